"""/metrics: only for the bearer of MLQA_METRICS_TOKEN; latency by view, queries,
cache hits and misses."""

import pytest
from prometheus_client import REGISTRY

from tests.factories import AIAnswerFactory
from tests.redis_server import closed_port_url
from tests.test_cache import backend, own_redis  # noqa: F401 (a fixture)

TOKEN = "s3cret-metrics-token"


@pytest.fixture
def token(settings):
    settings.MLQA_METRICS_TOKEN = TOKEN
    return TOKEN


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_no_token_configured_means_no_metrics(client, settings):
    settings.MLQA_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "status"),
    [
        (None, 401),
        ("Bearer", 401),
        ("Basic czNjcmV0", 401),
        ("Bearer wrong-token", 403),
        (f"Bearer {TOKEN}x", 403),
        ("Bearer sécret", 403),  # not ASCII: refused, not a 500
    ],
)
def test_a_missing_or_wrong_token_is_refused(client, token, header, status):
    response = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert response.status_code == status
    assert "django_http" not in response.content.decode()
    if status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'


@pytest.mark.django_db
def test_latency_by_view_and_database_queries_are_counted(client, token):
    question = AIAnswerFactory().question
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    before = sample(latency, view="question_detail", method="GET")
    queries_before = sample("django_db_execute_total", alias="default", vendor=_vendor())
    assert client.get(question.get_absolute_url()).status_code == 200

    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    assert 'method="GET",view="question_detail"' in text
    assert "django_db_execute_total{" in text
    assert sample(latency, view="question_detail", method="GET") == before + 1
    assert sample("django_db_execute_total", alias="default", vendor=_vendor()) > queries_before


@pytest.mark.django_db
def test_what_the_memory_caches_hold_is_reported(client, token):
    from django.core.cache import caches

    objects = caches["objects"]
    objects.set("a text for the metrics", "x" * 4096)
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()
    assert 'mlqa_memory_cache_bytes{cache="mlqa-objects"}' in text
    held = sample("mlqa_memory_cache_bytes", cache="mlqa-objects")
    assert held == objects.held_bytes() >= 4096
    objects.delete("a text for the metrics")
    assert sample("mlqa_memory_cache_bytes", cache="mlqa-objects") <= held - 4096


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def _counts(label: str) -> tuple[float, ...]:
    return tuple(
        sample(f"django_cache_get_{kind}total", backend=label)
        for kind in ("", "hits_", "misses_", "fail_")
    )


def _delta(before, after) -> tuple[float, ...]:
    return tuple(b - a for a, b in zip(before, after, strict=True))


@pytest.mark.redis
def test_redis_gets_count_hits_and_misses(own_redis):  # noqa: F811
    cache = backend(own_redis.url)
    before = _counts("redis")
    assert cache.get("absent") is None
    cache.set("present", "value")
    assert cache.get("present") == "value"
    assert cache.get_many(["present", "absent", "other"]) == {"present": "value"}
    # total, hits, misses, failures
    assert _delta(before, _counts("redis")) == (5, 2, 3, 0)


def test_a_redis_that_is_away_counts_failed_misses_and_still_fails_open():
    cache = backend(closed_port_url())
    before = _counts("redis")
    assert cache.get("anything", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert _delta(before, _counts("redis")) == (3, 0, 3, 3)


def test_the_memory_caches_count_by_name(settings):
    from django.core.cache import caches

    pages = caches["pages"]
    before = _counts("mlqa-pages")
    pages.set("page", "<html>")
    assert pages.get("page") == "<html>"
    assert pages.get("gone", "default") == "default"
    assert pages.get_many(["page", "gone"]) == {"page": "<html>"}
    assert _delta(before, _counts("mlqa-pages")) == (4, 2, 2, 0)
