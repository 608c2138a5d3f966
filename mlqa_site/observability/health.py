"""/healthz: django-health-check's checks and view, the way MLQA needs them.

* Checks: the database (a round trip, with a one-second limit of its own on
  PostgreSQL), the cache, the migrations applied, and the task workers when
  tasks run from the database (``observability.tasks``).
* The answer is ``200`` while the site can serve, ``503`` when it cannot
  (the database down, migrations missing). A cache that is down or task
  workers that stalled are reported as *degraded* and keep the ``200``: the
  site serves without Redis (slower), and pages do not need the workers; a
  load balancer must not take every web server out for them.
* Machines get plain lines (``Accept: */*``, no header, ``text/plain``:
  ``database: ok``...) or JSON (``Accept: application/json`` or
  ``?format=json``); a browser (``text/html``) gets a readable page.

The view is synchronous, like the rest of the site under gunicorn: each
check's probe runs in the request's own thread, on its database connection,
with no event loop or thread pool of its own (the library's view is async;
``_SiteCheck.run`` still serves anything that drives the checks its way).
"""

import dataclasses
import datetime
import logging
import timeit

from asgiref.sync import sync_to_async
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.decorators import method_decorator
from django.views import View
from health_check.base import HealthCheck, HealthCheckResult
from health_check.exceptions import HealthCheckException, ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView, MediaType

from mlqa_site.cache import status as cache_status
from mlqa_site.observability import tasks

logger = logging.getLogger("health_check")

# How long the database may take to answer the probe's query.
DATABASE_TIMEOUT_MS = 1000
# A check that takes longer than this is reported unavailable.
CHECK_TIMEOUT = datetime.timedelta(seconds=3)


class _SiteCheck(HealthCheck):
    """A check with a short name for the reports and a detail for its ``ok``.
    ``probe`` runs in the request's thread and returns the detail."""

    name = ""
    timeout = CHECK_TIMEOUT

    def probe(self) -> str:
        raise NotImplementedError

    async def run(self) -> None:
        self.detail = await sync_to_async(self.probe, thread_sensitive=True)()

    def result(self) -> HealthCheckResult:
        """Probe here and now, reporting as the library's ``get_result`` does: a
        health-check exception is the check's finding, anything else an unknown
        error (logged, never shown)."""
        start = timeit.default_timer()
        error = None
        try:
            self.detail = self.probe()
        except HealthCheckException as exc:
            error = exc
            logger.warning("Health check %r failed", self, exc_info=True)
        except Exception:
            logger.exception("Unexpected exception during health check")
            error = HealthCheckException("unknown error")
        return HealthCheckResult(check=self, error=error, time_taken=timeit.default_timer() - start)


@dataclasses.dataclass
class Database(_SiteCheck):
    alias: str = DEFAULT_DB_ALIAS
    name = "database"

    def probe(self) -> str:
        connection = connections[self.alias]
        try:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # A limit of its own, so the probe answers promptly even when
                    # the database is slow for everyone else; one round trip, and
                    # SET LOCAL ends with the statements' implicit transaction.
                    cursor.execute(f"SET LOCAL statement_timeout = {DATABASE_TIMEOUT_MS}; SELECT 1")
                    cursor.nextset()
                else:
                    cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as exc:
            raise ServiceUnavailable("the database does not answer") from exc
        return "ok"


@dataclasses.dataclass
class Cache(_SiteCheck):
    alias: str = "default"
    name = "cache"

    def probe(self) -> str:
        status = cache_status(caches[self.alias])
        if not status.startswith("ok"):
            raise ServiceWarning(status)  # "degraded (why)": still serving
        return status


_migrations_on_disk: dict[str, set[tuple[str, str]]] = {}


def _expected_migrations(alias: str) -> set[tuple[str, str]]:
    """Every migration this code has, read from disk once per process (the code
    does not change under a running process; the database may)."""
    if alias not in _migrations_on_disk:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        _migrations_on_disk[alias] = set(loader.graph.nodes)
    return _migrations_on_disk[alias]


@dataclasses.dataclass
class Migrations(_SiteCheck):
    alias: str = DEFAULT_DB_ALIAS
    name = "migrations"

    def probe(self) -> str:
        try:
            # One query (applied_migrations() would look for the table first).
            recorded = MigrationRecorder(connections[self.alias]).migration_qs
            applied = set(recorded.values_list("app", "name"))
        except DatabaseError as exc:
            raise ServiceUnavailable("cannot read the applied migrations") from exc
        missing = _expected_migrations(self.alias) - applied
        if missing:
            raise ServiceUnavailable(f"{len(missing)} not applied: run manage.py migrate")
        return "ok"


@dataclasses.dataclass
class TaskWorkers(_SiteCheck):
    name = "tasks"

    def probe(self) -> str:
        try:
            found = tasks.queues()
        except DatabaseError as exc:  # the site serves without its tasks
            raise ServiceWarning("degraded (cannot read the task queue)") from exc
        waiting = sum(queue.ready for queue in found)
        late = tasks.stalled(found)
        if late:
            names = ", ".join(queue.name for queue in late)
            raise ServiceWarning(
                f"degraded ({waiting} tasks waiting; queue {names} waited longer than "
                "MLQA_TASKS_STALLED_SECONDS: is a db_worker running?)"
            )
        return f"ok ({waiting} tasks waiting)"


def site_checks() -> list[_SiteCheck]:
    checks = [Database(), Cache(), Migrations()]
    if tasks.database_backends():
        checks.append(TaskWorkers())
    return checks


def _line(result) -> tuple[str, str]:
    """(status, detail) of one result: ok, degraded or unavailable."""
    error = result.error
    if error is None:
        return "ok", result.check.detail
    if isinstance(error, ServiceWarning):
        return "degraded", error.message
    return "unavailable", f"unavailable ({error.message})"


class HealthView(HealthCheckView):
    template_name = "healthz.html"

    def get_checks(self):
        yield from site_checks()

    @method_decorator(transaction.non_atomic_requests)
    def dispatch(self, request, *args, **kwargs):
        """The library's dispatch (never cached, varies with Accept), synchronous."""
        response = View.dispatch(self, request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        add_never_cache_headers(response)
        return response

    def get(self, request, *args, **kwargs):
        self.results = [check.result() for check in self.get_checks()]
        self.lines = [(result.check.name, *_line(result), result) for result in self.results]
        failing = any(state == "unavailable" for _, state, _, _ in self.lines)
        status = 503 if failing else 200
        overall = "unavailable" if failing else "ok"
        if any(state == "degraded" for _, state, _, _ in self.lines) and not failing:
            overall = "degraded"
        match self._format(request):
            case "json":
                return JsonResponse(
                    {
                        "status": overall,
                        "checks": {
                            name: {
                                "status": state,
                                "detail": detail,
                                "seconds": round(result.time_taken, 4),
                            }
                            for name, state, detail, result in self.lines
                        },
                    },
                    status=status,
                )
            case "html":
                context = {"lines": self.lines, "overall": overall}
                return TemplateResponse(request, self.template_name, context, status=status)
        body = "".join(f"{name}: {detail}\n" for name, _, detail, _ in self.lines)
        return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _format(request) -> str:
        asked = request.GET.get("format")
        if asked in {"json", "html", "text"}:
            return asked
        try:
            media = list(MediaType.parse_header(request.headers.get("accept", "*/*")))
        except ValueError:  # a malformed header: the plain lines
            return "text"
        for item in media:
            if item.weight <= 0:
                continue
            if item.mime_type in {"text/html", "application/xhtml+xml"}:
                return "html"
            if item.mime_type in {"application/json", "application/*"}:
                return "json"
            if item.mime_type in {"text/plain", "text/*", "*/*"}:
                return "text"
        return "text"


healthz = HealthView.as_view()
