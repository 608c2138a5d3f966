"""The task queue as operations see it, when tasks run from the database.

Only with a ``TASKS`` backend of django-tasks-db (``db_worker`` processes run
the tasks); with no such backend, or none at all, there is nothing here to
watch and the health check and the queue-depth metric are absent.

A db_worker writes no heartbeat of its own; the queue says whether workers are
alive: a task ready to run waits only while every worker is busy. When the
oldest ready task has waited longer than ``MLQA_TASKS_STALLED_SECONDS``, the
workers are stopped or far behind.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Case, Count, F, Min, When
from django.utils import timezone

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def database_backends() -> list[str]:
    """The names of the ``TASKS`` backends that keep their tasks in the database
    (django-tasks-db's backend, by whichever of its paths it is named)."""
    tasks = getattr(settings, "TASKS", {}) or {}
    return [
        name
        for name, config in tasks.items()
        if str(config.get("BACKEND", "")).startswith("django_tasks_db.")
    ]


@dataclass
class Queue:
    name: str
    ready: int
    oldest_ready_since: datetime | None

    def oldest_wait_seconds(self, now: datetime) -> float:
        if self.oldest_ready_since is None:
            return 0.0
        return max(0.0, (now - self.oldest_ready_since).total_seconds())


def queues() -> list[Queue]:
    """Per queue of the database backends: the tasks ready to run now and since
    when the oldest of them is. One query."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A task with no run_after waits from when it was enqueued; one with a
    # run_after from that moment.
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    rows = (
        DBTaskResult.objects.ready()
        .filter(backend_name__in=database_backends())
        .order_by()
        .values("queue_name")
        .annotate(ready=Count("pk"), since=Min(ready_since))
    )
    return [Queue(row["queue_name"], row["ready"], row["since"]) for row in rows]


def stalled(found: list[Queue], now: datetime | None = None) -> list[Queue]:
    """The queues whose oldest ready task has waited past the limit."""
    now = now or timezone.now()
    limit = settings.MLQA_TASKS_STALLED_SECONDS
    return [queue for queue in found if queue.oldest_wait_seconds(now) > limit]
