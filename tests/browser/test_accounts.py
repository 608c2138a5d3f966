"""A person signs up, verifies the address, logs in and edits the profile in Chromium."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.factories import QuestionFactory, UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def console_errors(page: Page):
    """Errors the browser reports, such as anything the CSP blocked."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def test_sign_up_verify_the_email_then_log_in(
    page: Page, site, settings, mailoutbox, console_errors
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    page.goto(site + "/")
    page.get_by_role("link", name="Sign up").click()
    expect(page).to_have_title("Signup · MLQA")

    page.get_by_label("Email address").fill("dana@example.com")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    assert [m.to for m in mailoutbox] == [["dana@example.com"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[0].body).group(0)

    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # Confirmed: now log in by email address and land on the home page.
    expect(page).to_have_url(site + "/accounts/login/")
    expect(page.get_by_text("You have confirmed dana@example.com.")).to_be_visible()
    page.get_by_label("Username or email").fill("dana@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(site + "/")
    expect(page.locator("#account-who")).to_have_text("dana")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert console_errors == []


def test_a_visitor_logs_in_and_comes_back_to_the_question(page: Page, site):
    UserFactory(username="erin")
    question = QuestionFactory(title="Why does batch norm help training?")
    page.goto(site + question.get_absolute_url())
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in").click()
    page.get_by_label("Username or email").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(site + question.get_absolute_url())
    expect(page.locator("#account-who")).to_have_text("Erin")


def test_the_profile_saves_in_place_and_the_header_follows(page: Page, site, console_errors):
    UserFactory(username="frank")
    page.goto(site + "/settings/")
    # Visitors go to log in first, then straight back to the settings.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/settings/$"))
    page.get_by_label("Username or email").fill("frank")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(site + "/settings/")
    page.evaluate("window.__notReloaded = true")

    page.get_by_label("Display name").fill("Frank the Reviewer")
    page.get_by_label("Short bio").fill("Reads every proof.")
    page.get_by_role("button", name="Save profile").click()

    expect(page.locator("#profile-form").get_by_role("status")).to_have_text("Saved.")
    expect(page.locator("#account-who")).to_have_text("Frank the Reviewer")
    assert page.evaluate("window.__notReloaded") is True

    page.reload()
    expect(page.get_by_label("Display name")).to_have_value("Frank the Reviewer")
    expect(page.get_by_label("Short bio")).to_have_value("Reads every proof.")
    assert console_errors == []
