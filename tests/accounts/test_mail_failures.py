"""A mail server that is down or refuses costs a member an e-mail, never a request.

The account is created, the member is told that the e-mail did not go out and
where to have it sent again, and the failure is logged for the operators.
"""

import logging

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
BROKEN = [
    "tests.accounts.mailbox.BrokenMailServer",  # connection refused
    "tests.accounts.mailbox.RefusingMailServer",  # SMTPException
]

pytestmark = pytest.mark.django_db


def mail_server(backend: str):
    return override_settings(MAILERS={"default": {"BACKEND": backend}})


def sign_up(client, username="carol"):
    return client.post(
        reverse("account_signup"),
        {
            "email": f"{username}@example.com",
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )


def log_in(client, login="carol"):
    return client.post(reverse("account_login"), {"login": login, "password": PASSWORD})


@pytest.mark.parametrize("backend", BROKEN)
@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_signing_up_with_the_mail_server_down_keeps_the_account_and_says_so(
    client, backend, caplog
):
    with mail_server(backend), caplog.at_level(logging.ERROR, logger="accounts.adapters"):
        response = sign_up(client)
    assert response.redirect_chain[0][1] == 302
    html = response.content.decode()
    assert "We could not send the e-mail to carol@example.com" in html
    assert "e-mail settings" in html
    assert reverse("account_email") in html
    # Not the contradicting "sent" message.
    assert "Confirmation email sent" not in html
    assert "could not send account/email/email_confirmation_signup" in caplog.text

    member = User.objects.get(username="carol")
    address = EmailAddress.objects.get(user=member)
    assert not address.verified
    client.logout()
    response = log_in(client)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)

    # Once mail works again, the e-mail settings page sends the link.
    page = client.get(reverse("account_email")).content.decode()
    assert "Re-send the link" in page


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_with_mandatory_verification_the_member_is_told_to_sign_in_again_later(client):
    with mail_server(BROKEN[0]):
        response = sign_up(client)
        assert response.redirect_chain == [(reverse("account_email_verification_sent"), 302)]
        assert "Sign in again in a few minutes" in response.content.decode()
        # Signing in asks for the e-mail again; it fails again, politely.
        response = client.post(
            reverse("account_login"), {"login": "carol", "password": PASSWORD}, follow=True
        )
        assert response.status_code == 200
    assert User.objects.filter(username="carol").exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("backend", BROKEN)
def test_a_password_reset_with_the_mail_server_down_says_to_try_again(client, backend):
    member = UserFactory(username="alice")
    EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
    with mail_server(backend):
        response = client.post(
            reverse("account_reset_password"), {"email": member.email}, follow=True
        )
    assert response.status_code == 200
    assert "We could not send the e-mail to alice@example.com" in response.content.decode()
