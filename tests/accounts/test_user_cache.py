"""A signed-in member's row comes from the cache between requests, and every
change to it shows on their next page: a new name, a suspension, a new
password, becoming a moderator."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import User
from tests.factories import ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=[0, 300], ids=["page cache off", "page cache on"])
def user_cache(settings, request):
    settings.MLQA_USER_CACHE_SECONDS = 120
    # With the page cache on, pages read the member's row with their generations.
    settings.MLQA_PAGE_CACHE_SECONDS = request.param


@pytest.fixture
def alice():
    return UserFactory(username="alice", display_name="Alice")


@pytest.fixture
def signed_in(alice):
    client = Client()
    client.force_login(alice)
    return client


def header(client: Client) -> str:
    response = client.get(reverse("home"))
    return response.content.decode()


def user_reads(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("bookmarks")).status_code == 200
    return sum('FROM "accounts_user"' in q["sql"] for q in queries.captured_queries)


def test_the_member_is_read_from_the_database_once_then_from_the_cache(signed_in):
    assert user_reads(signed_in) == 1
    assert user_reads(signed_in) == 0


def test_a_new_display_name_shows_on_the_next_page(signed_in, alice):
    assert ">Alice</a>" in header(signed_in)
    response = signed_in.post(
        reverse("profile_settings"),
        {"display_name": "Alice Liddell", "bio": "", "email_notifications": "on"},
    )
    assert response.status_code in (200, 302)
    assert User.objects.get(pk=alice.pk).display_name == "Alice Liddell"
    assert ">Alice Liddell</a>" in header(signed_in)


def test_a_suspended_member_is_signed_out_at_once(signed_in, alice):
    assert "Log out" in header(signed_in)
    services.suspend_member(
        moderator=ModeratorFactory(),
        member=alice,
        until=timezone.now() + timedelta(days=3),
        reason="Spam.",
    )
    page = header(signed_in)
    assert "Log out" not in page
    assert "Log in" in page


def test_a_password_changed_elsewhere_ends_this_session(signed_in, alice):
    assert "Log out" in header(signed_in)
    alice.set_password("a whole new passphrase")
    alice.save()
    assert "Log out" not in header(signed_in)


def test_joining_and_leaving_the_moderators_shows_at_once(signed_in, alice, rf):
    def cached_is_moderator() -> bool:
        request = rf.get("/")
        request.session = signed_in.session
        return get_user(request).is_moderator

    User.objects.filter(pk=alice.pk).update(is_staff=True)
    alice.refresh_from_db()
    alice.save()  # staff now, not yet a moderator
    assert cached_is_moderator() is False
    services.make_moderator(user=alice)
    assert cached_is_moderator() is True
    services.moderators_group().user_set.clear()
    assert cached_is_moderator() is False
