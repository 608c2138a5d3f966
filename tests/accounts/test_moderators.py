from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import MODERATORS_GROUP
from accounts.permissions import MODERATOR_PERMISSIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_migrated():
    """The database as the migrations left it. pytest-xdist sends whole files to
    a worker, so a test with ``transaction=True`` may run there first and flush
    what the data migrations wrote (the Moderators group and its grants); it is
    then put back, inside this test's transaction, from the copy Django took
    when it made the test database (``serialized_rollback`` in the marker asks
    for that copy)."""
    if not Group.objects.filter(name=MODERATORS_GROUP).exists():
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.mark.django_db(serialized_rollback=True)
@pytest.mark.usefixtures("as_migrated")
def test_a_fresh_database_has_the_moderators_group_with_change_but_no_delete():
    codenames = set(
        Group.objects.get(name=MODERATORS_GROUP).permissions.values_list("codename", flat=True)
    )
    assert {"change_answer", "change_question", "change_comment", "change_flag"} <= codenames
    assert {"change_proposal", "view_vote", "change_user"} <= codenames
    assert not [c for c in codenames if c.startswith("delete_")]
    assert "change_vote" not in codenames


def test_make_moderator_gives_staff_and_the_group_but_not_superuser(member, client):
    out = StringIO()
    call_command("make_moderator", "alice", stdout=out)
    assert "alice is now a moderator." in out.getvalue()
    member.refresh_from_db()
    assert member.is_staff
    assert not member.is_superuser
    assert list(member.groups.values_list("name", flat=True)) == [MODERATORS_GROUP]
    assert member.is_moderator
    assert member.has_perm("questions.change_answer")
    assert not member.has_perm("questions.delete_answer")
    # The admin lets them in, and the header links to it.
    client.force_login(member)
    assert client.get("/admin/").status_code == 200
    assert 'href="/admin/">Moderation</a>' in client.get("/").content.decode()


def test_make_moderator_twice_changes_nothing_more(member):
    call_command("make_moderator", "alice", stdout=StringIO())
    call_command("make_moderator", "alice", stdout=StringIO())
    assert member.groups.count() == 1


def test_make_moderator_refuses_an_unknown_username(db):
    with pytest.raises(CommandError, match="No member is called 'nobody'"):
        call_command("make_moderator", "nobody", stdout=StringIO())


@pytest.mark.django_db(serialized_rollback=True)
@pytest.mark.usefixtures("as_migrated")
def test_the_migrations_give_the_moderators_exactly_the_live_list():
    """Each migration grants from its own frozen copy; together they must add up
    to accounts/permissions.py, or a fresh site and a repaired group would differ."""
    granted = set(
        Group.objects.get(name=MODERATORS_GROUP).permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    expected = {
        (app, f"{action}_{model}")
        for app, model, actions in MODERATOR_PERMISSIONS
        for action in actions
    }
    assert granted == expected
