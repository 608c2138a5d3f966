import os
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import ModeratorFactory, UserFactory, VerifiedUserFactory


@pytest.fixture
def member(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_member(db):
    return UserFactory(username="bob")


@pytest.fixture
def verified_member(db):
    """carol, with her e-mail verified as signing up requires (her reports count)."""
    return VerifiedUserFactory(username="carol")


@pytest.fixture
def moderator(db):
    return ModeratorFactory(username="mod")


@pytest.fixture
def demo_data(db):
    call_command("load_demo", force=True, stdout=StringIO())


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI always does)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
    if os.environ.get("CI"):
        _run_once_in_ci(config, items)


def _run_once_in_ci(config, items) -> None:
    """CI runs the suite on PostgreSQL, then on SQLite. Tests whose outcome does
    not depend on the database (the browser, servers in subprocesses, settings,
    pure-Python property tests) ran in the first run: the second leaves them out
    (deselected, and said so, not skipped as if they had passed). Outside CI
    everything runs."""
    once = [
        item for item in items if "tests/browser/" in item.nodeid or item.get_closest_marker("once")
    ]
    if not once:
        return
    kept = set(map(id, once))
    items[:] = [item for item in items if id(item) not in kept]
    config.hook.pytest_deselected(items=once)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"CI on SQLite: {len(once)} database-independent tests (browser, subprocess, "
            "property) left out; CI's PostgreSQL run ran them."
        )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached fragments must not leak between tests."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()
    yield
    for alias in caches:
        caches[alias].clear()
