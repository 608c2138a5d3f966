"""/metrics for Prometheus: django-prometheus's metrics, behind a bearer token.

* ``MLQA_METRICS_TOKEN`` unset: there is no /metrics (404).
* Set: ``Authorization: Bearer <token>`` is required; none is a 401, a wrong
  one a 403 (compared in constant time).

What is there: request latency by view and method
(``django_http_requests_latency_seconds_by_view_method``), responses by status,
database queries, connections and errors (``django_db_execute_total``...), cache
gets, hits and misses by backend (``django_cache_get_*``), the bytes the
workers' memory caches hold (``mlqa_memory_cache_bytes``), and, when tasks run
from the database, the tasks ready per queue and how long the oldest has waited
(``mlqa_tasks_ready``, ``mlqa_tasks_oldest_ready_seconds``, read at each scrape).

Several gunicorn workers: with ``PROMETHEUS_MULTIPROC_DIR`` set (an empty
directory, emptied at each start: deploy/gunicorn.conf.py does both) every
worker writes its counts there and a scrape answered by any worker sums them
all. Without it each worker answers with its own counts only.
"""

import hmac
import os

import prometheus_client
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from mlqa_site.observability import tasks


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


class TaskQueueCollector(Collector):
    """The database task queue at the moment of the scrape (one query)."""

    def collect(self):
        ready = GaugeMetricFamily(
            "mlqa_tasks_ready", "Tasks ready to run, waiting for a worker", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "mlqa_tasks_oldest_ready_seconds",
            "How long the oldest ready task has waited",
            labels=["queue"],
        )
        now = timezone.now()
        for queue in tasks.queues():
            ready.add_metric([queue.name], queue.ready)
            oldest.add_metric([queue.name], queue.oldest_wait_seconds(now))
        yield ready
        yield oldest


def _registries() -> list[prometheus_client.CollectorRegistry]:
    if multiprocess_dir():
        shared = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(shared)
    else:
        shared = prometheus_client.REGISTRY
    found = [shared]
    if tasks.database_backends():
        queue = prometheus_client.CollectorRegistry(auto_describe=False)
        queue.register(TaskQueueCollector())
        found.append(queue)
    return found


def _refused(request: HttpRequest) -> HttpResponse | None:
    token = settings.MLQA_METRICS_TOKEN
    if not token:
        raise Http404("No metrics here.")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        response = HttpResponse(
            "A bearer token is needed.\n", status=401, content_type="text/plain"
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return HttpResponse("Wrong token.\n", status=403, content_type="text/plain")
    return None


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    refused = _refused(request)
    if refused is not None:
        return refused
    body = b"".join(prometheus_client.generate_latest(r) for r in _registries())
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
