"""/settings/: editing the profile with and without htmx, and what visitors get."""

import pytest
from django.urls import reverse

from questions.services import cast_vote
from tests.factories import AnswerFactory, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS = "/settings/"
DELETE = "/settings/delete/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_urls_are_the_public_contract():
    assert reverse("profile_settings") == SETTINGS
    assert reverse("delete_account") == DELETE


def test_settings_page_shows_the_profile_form_filled_in(client, member):
    member.bio = "Kernel methods fan."
    member.save()
    client.force_login(member)
    response = client.get(SETTINGS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Settings · MLQA</title>" in html
    assert 'name="display_name"' in html
    assert 'value="Alice"' in html
    assert "Kernel methods fan.</textarea>" in html
    assert 'hx-post="/settings/"' in html
    assert 'action="/settings/"' in html  # works without JavaScript too
    assert "css/accounts.css" in html


def test_saving_without_htmx_redirects_with_a_message(client, member):
    client.force_login(member)
    response = client.post(SETTINGS, {"display_name": "Alice L.", "bio": "Hi."})
    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("Alice L.", "Hi.")
    page = client.get(SETTINGS).content.decode()
    assert "Your profile has been saved." in page
    assert 'id="account-who">Alice L.</a>' in page


def test_saving_with_htmx_returns_only_the_form_and_the_new_header_name(client, member):
    client.force_login(member)
    response = client.post(SETTINGS, {"display_name": "Alice L.", "bio": "Hi."}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "site-header" not in html
    assert html.lstrip().startswith('<form id="profile-form"')
    assert "Saved." in html
    assert 'id="account-who"' in html
    assert 'hx-swap-oob="true"' in html
    assert ">Alice L.</a>" in html
    member.refresh_from_db()
    assert member.display_name == "Alice L."


def test_an_empty_display_name_falls_back_to_the_username(client, member):
    client.force_login(member)
    client.post(SETTINGS, {"display_name": "", "bio": ""})
    member.refresh_from_db()
    assert member.public_name == "alice"
    assert 'id="account-who">alice</a>' in client.get(SETTINGS).content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_invalid_input_shows_the_error_and_changes_nothing(client, member, htmx):
    client.force_login(member)
    response = client.post(
        SETTINGS, {"display_name": "x" * 81, "bio": "Fine."}, **(HTMX if htmx else {})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value has at most 80 characters" in html
    assert ("<html" in html) is not htmx
    assert "Saved." not in html
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("Alice", "")
    if not htmx:
        # The header still shows the stored name, not the rejected one.
        assert 'id="account-who">Alice</a>' in html


def test_settings_page_shows_the_reputation(client, member):
    answer = AnswerFactory(author=member)
    for voter in UserFactory.create_batch(2):
        cast_vote(user=voter, answer=answer, choice="up")
    client.force_login(member)
    html = client.get(SETTINGS).content.decode()
    assert 'reputation <strong class="reputation">2</strong>' in html


# --- Visitors: log in first, then come back ---------------------------------


def test_a_visitor_opening_settings_logs_in_and_comes_back(client, member):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/settings/"
    login_page = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/settings/"' in login_page

    response = client.post(
        "/accounts/login/",
        {"login": "alice", "password": "correct horse battery staple", "next": "/settings/"},
    )
    assert response["Location"] == SETTINGS
    assert client.get(SETTINGS).status_code == 200


@pytest.mark.parametrize("url", [SETTINGS, DELETE])
def test_a_visitor_posting_comes_back_to_the_page_the_form_was_on(client, member, url):
    page = "/questions/7/what-is-dropout/?tab=answers"
    response = client.post(
        url,
        {"display_name": "Mallory", "confirm": "alice"},
        HTTP_REFERER="http://testserver" + page,
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/accounts/login/?next=/questions/7/what-is-dropout/%3Ftab%3Danswers"
    )
    member.refresh_from_db()
    assert member.display_name == "Alice"
    assert member.is_active

    response = client.post(
        "/accounts/login/",
        {"login": "alice", "password": "correct horse battery staple", "next": page},
    )
    assert response["Location"] == page


@pytest.mark.parametrize(
    "referer", [None, "https://evil.example.com/phish/", "javascript:alert(1)", "not a url"]
)
def test_a_visitor_posting_from_elsewhere_comes_back_to_the_home_page(client, referer):
    headers = {"HTTP_REFERER": referer} if referer else {}
    response = client.post(SETTINGS, {"display_name": "Mallory"}, **headers)
    assert response["Location"] == "/accounts/login/?next=/"


def test_a_visitor_using_htmx_is_sent_to_log_in_by_a_client_redirect(client):
    response = client.post(
        SETTINGS,
        {"display_name": "Mallory"},
        HTTP_HX_CURRENT_URL="http://testserver/questions/3/bias-variance/",
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/questions/3/bias-variance/"
    assert "Location" not in response
    assert response.content == b""


def test_delete_is_post_only(client, member):
    client.force_login(member)
    assert client.get(DELETE).status_code == 405
