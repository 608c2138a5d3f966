"""Browser tests: Playwright driving Debian's Chromium against a live server.

Chromium is never downloaded (`playwright install` cannot work offline): the
system browser is used. Without it these tests are skipped locally, but fail
in CI, where they must run.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)

# Playwright's sync API keeps an event loop running in the test thread for the
# whole session, so Django would refuse the ORM calls that tests and the test
# database set-up make. Nothing in MLQA is async; allowing them is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" not in item.nodeid:
            continue
        item.add_marker(pytest.mark.browser)
        # The live server's thread sees only committed data; serialized rollback
        # restores what migrations created (the Moderators group) after each flush.
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if not HAVE_CHROMIUM and not os.environ.get("CI"):
            reason = f"Chromium not found at {CHROMIUM}; apt-get install chromium"
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def site(live_server):
    """The live server's base URL (each browser test gets a fresh database)."""
    return live_server.url
