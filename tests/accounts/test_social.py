"""GitHub and Google log-in: present only when their credentials are configured."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialLogin
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.adapters import SocialAccountAdapter
from accounts.models import User
from mlqa_site.settings.base import oauth_provider

pytestmark = pytest.mark.django_db

GITHUB_ONLY = {
    "github": {"APPS": [{"client_id": "gh-client-id", "secret": "gh-secret", "key": ""}]}
}
BOTH = {
    **GITHUB_ONLY,
    "google": {"APPS": [{"client_id": "g-client-id", "secret": "g-secret", "key": ""}]},
}


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_without_credentials_no_provider_button_is_shown(client, url):
    with override_settings(SOCIALACCOUNT_PROVIDERS={}):
        html = client.get(url).content.decode()
    assert "Continue with" not in html
    assert "/accounts/github/" not in html


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/"])
def test_only_the_configured_providers_are_shown(client, url):
    with override_settings(SOCIALACCOUNT_PROVIDERS=GITHUB_ONLY):
        html = client.get(url).content.decode()
    assert "Continue with GitHub" in html
    assert 'href="/accounts/github/login/?process=login"' in html
    assert "Google" not in html

    with override_settings(SOCIALACCOUNT_PROVIDERS=BOTH):
        html = client.get(url).content.decode()
    assert "Continue with GitHub" in html
    assert "Continue with Google" in html


def test_continuing_with_github_asks_to_confirm_then_goes_to_github(client):
    with override_settings(SOCIALACCOUNT_PROVIDERS=GITHUB_ONLY):
        page = client.get("/accounts/github/login/?process=login")
        # A GET only shows a button: leaving the site takes a POST (CSRF-safe).
        assert page.status_code == 200
        assert "GitHub" in page.content.decode()
        response = client.post("/accounts/github/login/?process=login")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == (
        "https",
        "github.com",
        "/login/oauth/authorize",
    )
    assert parse_qs(target.query)["client_id"] == ["gh-client-id"]


def test_an_unconfigured_provider_cannot_be_used(client):
    with override_settings(SOCIALACCOUNT_PROVIDERS=GITHUB_ONLY):
        response = client.post("/accounts/google/login/?process=login")
    assert response.status_code == 404


def test_credentials_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GITHUB_CLIENT_ID", " abc ")
    monkeypatch.setenv("GITHUB_CLIENT_SECRET", "s3cret")
    config = oauth_provider("GITHUB", SCOPE=["user:email"])
    assert config == {
        "APPS": [{"client_id": "abc", "secret": "s3cret", "key": ""}],
        "SCOPE": ["user:email"],
    }
    # Half a configuration is no configuration.
    monkeypatch.setenv("GITHUB_CLIENT_SECRET", "")
    assert oauth_provider("GITHUB") == {}
    monkeypatch.delenv("GOOGLE_CLIENT_ID", raising=False)
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "s3cret")
    assert oauth_provider("GOOGLE") == {}


def test_a_social_sign_up_takes_the_display_name_from_the_provider():
    sociallogin = SocialLogin(user=User())
    request = RequestFactory().get("/")
    user = SocialAccountAdapter().populate_user(
        request,
        sociallogin,
        {"username": "octocat", "email": "octo@example.com", "name": "  The   Octocat "},
    )
    assert (user.username, user.email, user.display_name) == (
        "octocat",
        "octo@example.com",
        "The Octocat",
    )
    user = SocialAccountAdapter().populate_user(
        request, SocialLogin(user=User()), {"first_name": "Ada", "last_name": "Lovelace"}
    )
    assert user.display_name == "Ada Lovelace"


def test_connected_accounts_page_is_linked_from_settings_only_when_a_provider_exists(
    client, member
):
    client.force_login(member)
    with override_settings(SOCIALACCOUNT_PROVIDERS={}):
        html = client.get(reverse("profile_settings")).content.decode()
    assert "Connected accounts" not in html
    with override_settings(SOCIALACCOUNT_PROVIDERS=GITHUB_ONLY):
        html = client.get(reverse("profile_settings")).content.decode()
    assert "Connected accounts" in html
    assert "(GitHub)" in html
