"""Cache hits and misses for /metrics, in django-prometheus's own counters
(``django_cache_get_total``, ``..._hits_total``, ``..._misses_total``,
``..._fail_total``), labelled by backend: ``redis`` for the shared cache
(mlqa_site/cache.py counts there, a Redis that is away being a failed get and a
miss), and the location of each of this process's memory caches
(``mlqa-pages``, ``mlqa-fragments``). ``get_many`` counts each key asked."""

import functools

from django.core.cache.backends.locmem import LocMemCache
from django_prometheus.cache.metrics import (
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)


@functools.cache
def _counters(backend: str) -> tuple:
    """The backend's four counters (``labels()`` looks its child up under a lock
    on every call; a page counts a few dozen gets)."""
    return tuple(
        counter.labels(backend=backend)
        for counter in (
            django_cache_get_total,
            django_cache_get_fail_total,
            django_cache_hits_total,
            django_cache_misses_total,
        )
    )


def count_gets(backend: str, *, asked: int, found: int, failed: bool = False) -> None:
    if not asked:
        return
    gets, fails, hits, misses = _counters(backend)
    gets.inc(asked)
    if failed:
        fails.inc(asked)
    if found:
        hits.inc(found)
    if asked - found:
        misses.inc(asked - found)


MISSING = object()  # what a lookup gives for a key it does not hold


class CountedLocMemCache(LocMemCache):
    """Django's memory cache, counting its gets by its location's name."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self.metrics_label = name or "locmem"

    def _lookup(self, key, version):
        """The value kept under ``key``, or ``MISSING``: one get, not counted."""
        return LocMemCache.get(self, key, MISSING, version)

    def get(self, key, default=None, version=None):
        value = self._lookup(key, version)
        found = value is not MISSING
        count_gets(self.metrics_label, asked=1, found=int(found))
        return value if found else default

    def get_many(self, keys, version=None):
        # Django's get_many calls get() per key: counted once here instead.
        found = {}
        asked = 0
        for key in keys:
            asked += 1
            value = self._lookup(key, version)
            if value is not MISSING:
                found[key] = value
        count_gets(self.metrics_label, asked=asked, found=len(found))
        return found
