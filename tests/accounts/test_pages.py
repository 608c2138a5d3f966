"""Every account page is the site's own page: same header, same look, same CSP."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

pytestmark = pytest.mark.django_db

VISITOR_PAGES = [
    ("account_login", "Sign In"),
    ("account_signup", "Sign Up"),
    ("account_reset_password", "Password Reset"),
    ("account_reset_password_done", "Password Reset"),
    ("account_email_verification_sent", "Verify Your Email Address"),
    ("account_inactive", "Account Inactive"),
]
MEMBER_PAGES = [
    ("profile_settings", "Settings"),
    ("account_email", "Email address"),
    ("account_change_password", "Change Password"),
    ("account_logout", "Sign Out"),
    ("socialaccount_connections", "Account Connections"),
]
# Where allauth's <title> words differ from its heading.
TITLES = {"Sign Up": "Signup"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def assert_site_page(html: str, heading: str):
    assert '<header class="site-header">' in html
    assert '<footer class="site-footer">' in html
    assert re.search(r'<main id="main" class="page account-page', html)
    assert 'href="/static/css/site.css"' in html
    assert 'href="/static/css/accounts.css"' in html
    title = " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())
    assert title == f"{TITLES.get(heading, heading)} · MLQA"
    assert re.search(rf"<h1>\s*{re.escape(heading)}\s*</h1>", html), heading
    # The content security policy allows no inline script or style.
    assert not INLINE_SCRIPT.search(html)
    assert "style=" not in html


@pytest.mark.parametrize(("url_name", "heading"), VISITOR_PAGES)
def test_visitor_account_pages_use_the_site_layout(client, url_name, heading):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert_site_page(response.content.decode(), heading)


@pytest.mark.parametrize(("url_name", "heading"), MEMBER_PAGES)
def test_member_account_pages_use_the_site_layout(client, member, url_name, heading):
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    client.force_login(member)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert_site_page(html, heading)
    if url_name != "profile_settings":
        # allauth's pages lead back to the settings page.
        assert '<a href="/settings/">← Settings</a>' in html


def test_email_page_with_a_pending_change_stays_within_the_csp(client, member):
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    EmailAddress.objects.create(user=member, email="alice@new.example.org", verified=False)
    client.force_login(member)
    html = client.get(reverse("account_email")).content.decode()
    assert_site_page(html, "Email address")
    assert "alice@new.example.org" in html
    assert '<form id="pending-email" method="post" action="/accounts/email/" hidden>' in html


def test_login_form_shows_labels_and_errors_in_the_site_style(client, member):
    html = client.get(reverse("account_login")).content.decode()
    assert '<form class="account-form" method="post" action="/accounts/login/">' in html
    assert re.search(r'<label for="id_login">\s*Username or email', html, re.I)
    assert '<label for="id_password">' in html
    assert re.search(r'<button type="submit" class="button button-prominent', html)
    assert 'href="/accounts/password/reset/"' in html

    response = client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    html = response.content.decode()
    assert '<div class="form-errors" role="alert">' in html
    assert "The username and/or password you specified are not correct." in html


def test_signup_form_shows_password_rules(client):
    html = client.get(reverse("account_signup")).content.decode()
    for field in ("id_email", "id_username", "id_password1", "id_password2"):
        assert f'<label for="{field}">' in html
    assert "at least 8 characters" in html


def test_header_links_carry_the_page_to_come_back_to(client):
    html = client.get("/?q=dropout").content.decode()
    assert 'href="/accounts/login/?next=/%3Fq%3Ddropout">Log in</a>' in html
    assert 'href="/accounts/signup/?next=/%3Fq%3Ddropout">Sign up</a>' in html
    # On the log-in page itself the pending destination is kept, not replaced.
    html = client.get("/accounts/login/?next=/settings/").content.decode()
    assert 'href="/accounts/signup/?next=/settings/">Sign up</a>' in html
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/">Sign up</a>' in html


def test_header_shows_the_signed_in_member_with_settings_and_log_out(client, member):
    client.force_login(member)
    html = client.get("/").content.decode()
    assert '<a href="/users/alice/" class="who" id="account-who">Alice</a>' in html
    assert '<a href="/settings/">Settings</a>' in html
    assert ">Log out</button>" in html
    assert ">Log in</a>" not in html
