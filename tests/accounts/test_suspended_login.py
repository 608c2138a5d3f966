"""A suspended member who logs in is told why and until when."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
UNTIL = datetime(2031, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def suspended(member, moderator):
    services.suspend_member(
        moderator=moderator, member=member, until=UNTIL, reason="Posted the same link 40 times."
    )
    return member


def log_in(client, login, password=PASSWORD):
    data = {"login": login, "password": password}
    return client.post(reverse("account_login"), data, follow=True)


def test_a_suspended_member_sees_the_reason_and_the_end(client, suspended):
    response = log_in(client, "alice")
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("account_inactive")
    assert "Your account is suspended" in html
    assert "14 March 2031, 09:30 UTC" in html
    assert "Posted the same link 40 times." in html
    assert "This account is inactive" not in html
    assert "_auth_user_id" not in client.session  # still not logged in
    # By e-mail address too.
    client.cookies.clear()
    assert "Posted the same link 40 times." in log_in(client, "alice@example.com").content.decode()


def test_a_wrong_password_reveals_nothing_about_the_suspension(client, suspended):
    html = log_in(client, "alice", "not the password").content.decode()
    assert "Posted the same link" not in html
    assert "suspended" not in html
    # Nor does opening the page directly.
    html = client.get(reverse("account_inactive")).content.decode()
    assert "Posted the same link" not in html
    assert "Account Inactive" in html


def test_after_the_suspension_is_lifted_the_page_stops_explaining_it(client, suspended, moderator):
    log_in(client, "alice")
    services.lift_suspension(moderator=moderator, member=suspended)
    html = client.get(reverse("account_inactive")).content.decode()
    assert "Posted the same link" not in html


def test_a_deactivated_account_that_is_not_suspended_gets_the_plain_page(client):
    UserFactory(username="dormant", is_active=False)
    html = log_in(client, "dormant").content.decode()
    assert "This account is inactive" in html
    assert "suspended" not in html
