"""Failed sign-ins slow guessing down but cannot be used to lock someone out.

Counted per address and per account from one address (429 past either), with
the client's address taken from X-Forwarded-For only behind a configured number
of our own proxies; a browser that signed in to the account before has a count
of its own.
"""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import ModeratorFactory, UserFactory

PASSWORD = "correct horse battery staple"
LOGIN = reverse("account_login")
ATTACKER = "203.0.113.66"
ELSEWHERE = "198.51.100.7"

pytestmark = pytest.mark.django_db


def client_at(address: str, forwarded_for: str | None = None) -> Client:
    headers = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return Client(**headers)


def log_in(client: Client, login: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"login": login, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_from_one_address_do_not_lock_the_moderator_out():
    moderator = ModeratorFactory(username="mod")
    attacker = client_at(ATTACKER)
    for _ in range(5):
        response = log_in(attacker, "mod", "guess")
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    # The sixth try from that address is refused, with a page that says why.
    response = log_in(attacker, "mod", "guess")
    assert response.status_code == 429
    assert "Too many failed sign-ins from your address" in response.content.decode()

    # The moderator, anywhere else, signs in at once with the right password.
    owner = client_at(ELSEWHERE)
    response = log_in(owner, "mod")
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(moderator.pk)
    # By e-mail address as well.
    owner = client_at(ELSEWHERE)
    assert log_in(owner, moderator.email).status_code == 302


def test_the_owners_usual_browser_signs_in_even_from_the_attacked_address():
    UserFactory(username="alice")
    browser = client_at(ATTACKER)  # the member shares the attacker's address (NAT)
    assert log_in(browser, "alice").status_code == 302
    browser.post(reverse("account_logout"))

    attacker = client_at(ATTACKER)
    for _ in range(6):
        log_in(attacker, "alice", "guess")
    assert log_in(attacker, "alice").status_code == 429  # a new browser there: refused

    response = log_in(browser, "alice")
    assert response.status_code == 302
    assert signed_in(browser)


def test_the_known_browser_mark_cannot_be_forged_or_borrowed():
    UserFactory(username="alice")
    UserFactory(username="bob")
    attacker = client_at(ATTACKER)
    assert log_in(attacker, "bob").status_code == 302  # the attacker's own account
    attacker.post(reverse("account_logout"))
    for _ in range(5):
        log_in(attacker, "alice", "guess")
    assert log_in(attacker, "alice", "guess").status_code == 429

    attacker.cookies["mlqa_known"] = "forged"
    assert log_in(attacker, "alice", "guess").status_code == 429


def test_wrong_passwords_for_many_accounts_from_one_address_get_429():
    client = client_at(ATTACKER)
    for n in range(10):
        assert log_in(client, f"member{n}", "guess").status_code == 200
    assert log_in(client, "member10", "guess").status_code == 429
    # Another address is not affected.
    assert log_in(client_at(ELSEWHERE), "member10", "guess").status_code == 200


def test_without_trusted_proxies_a_forged_x_forwarded_for_is_ignored():
    client = client_at(ATTACKER)
    for n in range(10):
        response = log_in(client, f"member{n}", "guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert response.status_code == 200
    response = log_in(client, "member10", "guess", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_clients_are_told_apart_by_x_forwarded_for():
    proxy = "10.0.0.2"
    first = client_at(proxy, forwarded_for="203.0.113.5")
    # The client's own X-Forwarded-For entries come first; the proxy appends.
    second = client_at(proxy, forwarded_for="192.0.2.1, 203.0.113.6")
    for n in range(10):
        assert log_in(first, f"member{n}", "guess").status_code == 200
    assert log_in(first, "member10", "guess").status_code == 429
    assert log_in(second, "member10", "guess").status_code == 200

    # The second client cannot pass for a third by writing a header of its own.
    for n in range(9):
        assert log_in(second, f"member{n}", "guess").status_code == 200
    forging = client_at(proxy, forwarded_for="192.0.2.77, 203.0.113.6")
    assert log_in(forging, "member99", "guess").status_code == 429


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_request_that_came_around_the_proxies_is_counted_by_its_peer_address():
    UserFactory(username="alice")
    client = client_at(ATTACKER, forwarded_for="192.0.2.1")  # one entry for two proxies
    response = log_in(client, "alice")
    assert response.status_code == 302
