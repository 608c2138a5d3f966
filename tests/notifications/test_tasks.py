"""Retries with backoff, and the record of a task that failed for good, on the
database backend (the worker's code runs each task as ``db_worker`` does)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from mlqa_site.background import retrying
from notifications.mail import send_notification
from notifications.models import Event, Kind, Notification
from tests.factories import AnswerFactory

from .conftest import verified

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CALLS: list[int] = []


@retrying
def flaky(fail_times: int) -> str:
    """Fails its first ``fail_times`` tries."""
    CALLS.append(1)
    if len(CALLS) <= fail_times:
        raise ConnectionError(f"down (call {len(CALLS)})")
    return "done"


def run_ready() -> int:
    """Run every task that is due, as the worker does; how many ran."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def make_due() -> None:
    """Let the clock reach every deferred try."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


@pytest.fixture(autouse=True)
def database_tasks(db, settings):
    # Through pytest-django's `settings`, like the tests' own changes: overrides
    # undo in the order they were made.
    CALLS.clear()
    settings.TASKS = DATABASE_TASKS
    settings.MLQA_TASK_ATTEMPTS = 3


def test_a_failed_try_is_queued_again_with_backoff_then_succeeds():
    flaky.enqueue(fail_times=1)
    before = timezone.now()
    assert run_ready() == 1
    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == "FAILED"
    assert failed.exception_class_path == "mlqa_site.background.TryAgainLater"
    assert "ConnectionError: down (call 1)" in failed.traceback  # the cause, kept
    assert retry.status == "READY"
    assert retry.args_kwargs["kwargs"] == {"fail_times": 1, "attempt": 2}
    wait = retry.run_after - before
    assert timedelta(seconds=29) < wait < timedelta(seconds=35)  # 30 s backoff
    assert run_ready() == 0  # not due yet
    make_due()
    assert run_ready() == 1
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL"


def test_the_backoff_doubles_and_the_last_try_records_the_real_error():
    flaky.enqueue(fail_times=10)
    waits = []
    for _ in range(3):
        before = timezone.now()
        run_ready()
        queued = DBTaskResult.objects.filter(status="READY").first()
        if queued:
            waits.append(round((queued.run_after - before).total_seconds() / 30))
            make_due()
    assert waits == [1, 2]  # 30 s, then 60 s; the third try was the last
    last = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert last.status == "FAILED"
    assert last.exception_class_path == "builtins.ConnectionError"
    assert DBTaskResult.objects.count() == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_moderators_see_the_task_that_failed_for_good_with_its_error(moderator):
    flaky.enqueue(fail_times=10)
    for _ in range(3):
        run_ready()
        make_due()
    client = Client()
    client.force_login(moderator)
    changelist = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert changelist.status_code == 200
    shown = list(changelist.context["cl"].result_list)
    assert [r.exception_class_path for r in shown] == ["builtins.ConnectionError"]
    assert "ConnectionError: down (call 3)" in changelist.content.decode()
    retried = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"outcome": "retried"}
    )
    assert len(retried.context["cl"].result_list) == 2
    page = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[shown[0].pk])
    )
    assert page.status_code == 200
    assert "Traceback" in page.content.decode()


def test_a_mail_server_that_is_down_costs_a_retry_not_the_mail(settings, member):
    verified(member)
    n = Notification.objects.create(
        recipient=member,
        event=Event.ANSWER_TO_QUESTION,
        kind=Kind.REVIEW,
        question=AnswerFactory().question,
    )
    settings.MAILERS = {"default": {"BACKEND": "tests.accounts.mailbox.BrokenMailServer"}}
    send_notification.enqueue(n.pk)
    run_ready()
    assert mail.outbox == []
    n.refresh_from_db()
    assert n.emailed_at is None
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    make_due()
    run_ready()
    assert len(mail.outbox) == 1
    n.refresh_from_db()
    assert n.emailed_at is not None


def test_the_immediate_backend_does_not_retry(settings):
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ):
        result = flaky.enqueue(fail_times=1)
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "builtins.ConnectionError"
    assert len(CALLS) == 1
