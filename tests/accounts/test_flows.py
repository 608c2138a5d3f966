"""A member's whole life with an account, through the pages a person uses."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from tests.accounts.mailbox import link_in_last_mail
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a different horse, stapled"

pytestmark = pytest.mark.django_db


def sign_up(client, username="carol", email="carol@example.com", password=PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"email": email, "username": username, "password1": password, "password2": password},
    )


def log_in(client, login, password=PASSWORD, next_url=None):
    data = {"login": login, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_login"), data)


def signed_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_sign_up_verify_log_in_edit_profile_then_delete(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_as(client) is None
    page = client.get(response["Location"]).content.decode()
    assert "Verify Your Email Address" in page

    # The verification mail, with the site's subject prefix and a working link.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carol@example.com"]
    assert mail.outbox[0].subject.startswith("[MLQA] ")
    assert "Hello from MLQA" in mail.outbox[0].body
    link = link_in_last_mail("carol@example.com", "confirm-email")

    # Before confirming, logging in only re-sends the verification.
    response = log_in(client, "carol")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_as(client) is None

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "carol@example.com" in confirm_page.content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="carol@example.com").verified

    # Log in, come back to the page asked for.
    response = log_in(client, "carol", next_url=reverse("profile_settings"))
    assert response["Location"] == reverse("profile_settings")
    assert signed_in_as(client) == "carol"

    # Edit the profile: the header shows the new name.
    response = client.post(
        reverse("profile_settings"),
        {"display_name": "Carol Q.", "bio": "Recommender systems, mostly."},
        follow=True,
    )
    html = response.content.decode()
    assert "Your profile has been saved." in html
    assert 'id="account-who">Carol Q.</a>' in html
    assert "Recommender systems, mostly." in html

    # Delete the account: logged out, and the name cannot log in again.
    user_id = User.objects.get(username="carol").pk
    response = client.post(reverse("delete_account"), {"confirm": "carol"}, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    html = response.content.decode()
    assert "Your account has been deleted." in html
    assert ">Log in</a>" in html
    assert signed_in_as(client) is None
    assert User.objects.get(pk=user_id).username == f"deleted-{user_id}"

    response = log_in(client, "carol")
    assert response.status_code == 200
    assert signed_in_as(client) is None
    response = log_in(client, "carol@example.com")
    assert signed_in_as(client) is None

    # The email address is free again for a new account.
    response = sign_up(client, username="carol2")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert EmailAddress.objects.get(email="carol@example.com").user.username == "carol2"


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_with_optional_verification_a_new_member_is_in_at_once_and_still_gets_the_mail(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert signed_in_as(client) == "carol"
    assert mail.outbox[-1].to == ["carol@example.com"]
    assert not EmailAddress.objects.get(email="carol@example.com").verified


def test_password_reset_by_email(client, member):
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    response = client.post(reverse("account_reset_password"), {"email": "ALICE@example.com"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert mail.outbox[-1].subject.startswith("[MLQA] ")
    link = link_in_last_mail("alice@example.com", "password/reset/key")

    # The key link moves the key out of the URL, then asks for the new password.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert "Change Password" in client.get(form_url).content.decode()
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    log_in(client, "alice", PASSWORD)
    assert signed_in_as(client) is None
    log_in(client, "alice", NEW_PASSWORD)
    assert signed_in_as(client) == "alice"

    # A reset link works once.
    client.logout()
    response = client.get(link, follow=True)
    assert "Bad Token" in response.content.decode()


def test_password_reset_for_an_unknown_address_reveals_nothing(client, member):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("account_reset_password_done")
    # The mail goes to the address typed, and says there is no account.
    assert mail.outbox[-1].to == ["nobody@example.com"]
    assert "password/reset/key" not in mail.outbox[-1].body


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
@pytest.mark.parametrize("login", ["alice", "ALICE", "alice@example.com"])
def test_log_in_by_username_or_email(client, member, login):
    response = log_in(client, login)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == "alice"
    header = client.get(reverse("home")).content.decode()
    assert 'id="account-who">Alice</a>' in header
    assert ">Log out</button>" in header


def test_a_wrong_password_is_refused_with_a_readable_error(client, member):
    response = log_in(client, "alice", "not the password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert signed_in_as(client) is None


def test_log_out(client, member):
    client.force_login(member)
    response = client.post(reverse("account_logout"))
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) is None


def test_change_password(client, member, django_capture_on_commit_callbacks):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):  # the notice is a task
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    assert response.status_code == 302
    # Still signed in here, and told by mail.
    assert signed_in_as(client) == "alice"
    assert mail.outbox[-1].to == ["alice@example.com"]
    client.logout()
    log_in(client, "alice", NEW_PASSWORD)
    assert signed_in_as(client) == "alice"


def test_change_email_takes_effect_once_the_new_address_is_verified(client, member):
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    client.force_login(member)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "alice@new.example.org"}
    )
    assert response.status_code == 302
    page = client.get(reverse("account_email")).content.decode()
    assert "alice@new.example.org" in page
    assert "Waiting for you to follow the link" in page
    member.refresh_from_db()
    assert member.email == "alice@example.com"

    client.post(link_in_last_mail("alice@new.example.org", "confirm-email"))
    member.refresh_from_db()
    assert member.email == "alice@new.example.org"
    assert list(EmailAddress.objects.filter(user=member).values_list("email", flat=True)) == [
        "alice@new.example.org"
    ]


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("deleted-12", "are reserved"),
        ("Deleted-x", "are reserved"),
        ("admin", "This username is reserved"),
    ],
)
def test_usernames_that_would_mislead_are_refused(client, username, error):
    response = sign_up(client, username=username)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(username__iexact=username).exists()


def test_a_taken_email_address_cannot_sign_up_twice(client):
    dave = UserFactory(username="dave", email="carol@example.com")
    EmailAddress.objects.create(user=dave, email="carol@example.com", verified=True)

    with override_settings(ACCOUNT_EMAIL_VERIFICATION="optional"):
        response = sign_up(client)
    assert response.status_code == 200
    assert "already registered with this email address" in response.content.decode()

    # With mandatory verification allauth does not reveal that the address is
    # taken: the page looks like a normal sign-up and the owner gets a mail.
    with override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory"):
        response = sign_up(client)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert mail.outbox[-1].to == ["carol@example.com"]
    assert not User.objects.filter(username="carol").exists()
