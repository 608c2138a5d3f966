"""With tasks run from the database, /healthz watches the workers through the
queue and /metrics gives its depth: on a real queue table, in a process with
django-tasks-db installed (tests/ops/tasks_settings.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlqa_site.observability import tasks

# Independent of the database (SQLite file of its own): CI runs it once.
pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json
from datetime import timedelta
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

def task(queue, **fields):
    return DBTaskResult.objects.create(
        task_path="mlqa.example", args_kwargs={"args": [], "kwargs": {}},
        backend_name="default", queue_name=queue, run_after=fields.pop("run_after", get_date_max()),
        **fields,
    )

client = Client(HTTP_HOST="localhost")
before = client.get("/healthz", HTTP_ACCEPT="application/json").json()["checks"]["tasks"]
late = task("mail")
DBTaskResult.objects.filter(pk=late.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
task("mail")
task("default", run_after=timezone.now() + timedelta(hours=1))  # not ready yet
task("default", status="SUCCESSFUL")
after = client.get("/healthz", HTTP_ACCEPT="application/json")
metrics = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-for-the-test")
print("PROBE " + json.dumps({
    "before": before, "status": after.status_code, "after": after.json()["checks"]["tasks"],
    "metrics": [l for l in metrics.content.decode().splitlines() if l.startswith("mlqa_tasks")],
}))
"""


def test_health_and_metrics_read_the_database_queue(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "tests.ops.tasks_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
    }

    def manage(*args):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    manage("migrate", "--noinput")
    out = manage("shell", "-c", PROBE)
    found = json.loads(next(li for li in out.splitlines() if li.startswith("PROBE "))[6:])

    assert found["before"]["status"] == "ok"
    assert found["before"]["detail"] == "ok (0 tasks waiting)"
    assert found["status"] == 200  # stalled workers do not take the web server out
    assert found["after"]["status"] == "degraded"
    assert found["after"]["detail"].startswith("degraded (2 tasks waiting; queue mail waited")
    assert 'mlqa_tasks_ready{queue="mail"} 2.0' in found["metrics"]
    [oldest] = [li for li in found["metrics"] if li.startswith("mlqa_tasks_oldest_ready_seconds")]
    assert 3590 < float(oldest.split()[-1]) < 3700
    assert not any('queue="default"' in li for li in found["metrics"])


def test_stalled_means_waiting_past_the_limit(settings):
    from datetime import UTC, datetime, timedelta

    settings.MLQA_TASKS_STALLED_SECONDS = 60
    now = datetime(2026, 1, 1, tzinfo=UTC)
    fresh = tasks.Queue("a", 3, now - timedelta(seconds=59))
    late = tasks.Queue("b", 1, now - timedelta(seconds=61))
    empty = tasks.Queue("c", 0, None)
    assert tasks.stalled([fresh, late, empty], now) == [late]
