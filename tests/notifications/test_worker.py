"""The real thing: `manage.py db_worker` in its own process, on PostgreSQL, runs
what a web request queued, and the e-mail arrives."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from notifications.models import Event, Notification
from tests.factories import AnswerFactory, UserFactory

from .conftest import verified

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEADLINE_SECONDS = 30


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """A db_worker process on the test database, writing mail to files in tmp_path."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mlqa_site.settings.test",
        "DATABASE_URL": database_url(),
        "MLQA_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "MLQA_TEST_MAIL_DIR": str(tmp_path),
    }
    command = [sys.executable, "manage.py", "db_worker", "--interval", "0.2"]
    command += ["--no-startup-delay", "--no-reload"]
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    yield tmp_path
    process.terminate()
    output, _ = process.communicate(timeout=15)
    print(output.decode())  # shown when the test fails


def mails(folder: Path) -> list[str]:
    return [path.read_text() for path in sorted(folder.glob("*.log"))]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_mail_a_web_request_queued(client, worker):
    author = verified(UserFactory(username="writer"))
    answer = AnswerFactory(author=author)
    proposer = UserFactory(username="proposer")
    client.force_login(proposer)
    with override_settings(TASKS=DATABASE_TASKS):
        response = client.post(
            reverse("propose", args=[answer.pk]),
            {"body": "A clearer version of the answer.", "reason": "Clearer"},
        )
    assert response.status_code == 302
    # The request committed and queued; nothing ran in it.
    assert not Notification.objects.exists()
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE_SECONDS:
        found = [text for text in mails(worker) if "proposed a better version" in text]
        if found:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"no mail within {DEADLINE_SECONDS} s")
    (text,) = found
    assert f"To: {author.email}" in text
    assert "List-Unsubscribe: " in text
    # The worker records the sending once the mail is out: wait for that too.
    while time.monotonic() - started < DEADLINE_SECONDS:
        notification = Notification.objects.get(recipient=author)
        if notification.emailed_at is not None:
            break
        time.sleep(0.2)
    assert notification.event == Event.PROPOSAL
    assert notification.emailed_at is not None
