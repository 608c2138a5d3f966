"""Cache hits and misses for /metrics, in django-prometheus's own counters
(``django_cache_get_total``, ``..._hits_total``, ``..._misses_total``,
``..._fail_total``), labelled by backend: ``redis`` for the shared cache
(mlqa_site/cache.py counts there, a Redis that is away being a failed get and a
miss), and the location of each of this process's memory caches
(``mlqa-pages``, ``mlqa-fragments``). ``get_many`` counts each key asked.

This process's memory caches are bounded by bytes as well as by entries: given
``OPTIONS["MAX_BYTES"]``, a cache forgets its least recently used entries while
what it holds is larger (``CountedLocMemCache.measure``). What each holds is
``mlqa_memory_cache_bytes`` (by location; summed over the live workers when
they share their metrics)."""

import functools

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_prometheus.cache.metrics import (
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)
from prometheus_client import Gauge


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

memory_cache_bytes = Gauge(
    "mlqa_memory_cache_bytes",
    "What the workers' memory caches hold, in bytes",
    ["cache"],
    multiprocess_mode="livesum",
)

# Per location, shared by every thread's instance as Django shares the entries:
# the bytes each key holds and their sum.
_footprints: dict[str, dict[str, int]] = {}
_held: dict[str, list[int]] = {}


class CountedLocMemCache(LocMemCache):
    """Django's memory cache, counting its gets by its location's name, and
    bounded by ``OPTIONS["MAX_BYTES"]`` when it is given."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self.metrics_label = name or "locmem"
        self.max_bytes = params.get("OPTIONS", {}).get("MAX_BYTES")
        self._footprints = _footprints.setdefault(name, {})
        self._held = _held.setdefault(name, [0])
        self._gauge = memory_cache_bytes.labels(cache=self.metrics_label)

    def held_bytes(self) -> int:
        """What the kept values hold, in bytes."""
        return self._held[0]

    def measure(self, value):
        """What ``value`` holds, measured before anything is kept (a value
        refused raises here): for this cache, a pickle, its length."""
        return len(value)

    def account(self, key: str, measured) -> int:
        """``measured`` counted as ``key``'s: the bytes the key holds alone."""
        return measured

    def forget_footprint(self, key: str) -> None:
        """``key``'s value is no longer kept."""
        self._held[0] -= self._footprints.pop(key, 0)

    # Called with the lock held, as Django's own methods are.
    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        measured = self.measure(value)
        super()._set(key, value, timeout)
        self.forget_footprint(key)
        self._footprints[key] = size = self.account(key, measured)
        self._held[0] += size
        while self.max_bytes and self._held[0] > self.max_bytes and len(self._cache) > 1:
            oldest, _ = self._cache.popitem()  # the least recently used
            del self._expire_info[oldest]
            self.forget_footprint(oldest)
        self._gauge.set(self._held[0])

    def _cull(self):
        super()._cull()
        for key in [key for key in self._footprints if key not in self._cache]:
            self.forget_footprint(key)
        self._gauge.set(self._held[0])

    def _delete(self, key):
        deleted = super()._delete(key)
        if deleted:
            self.forget_footprint(key)
            self._gauge.set(self._held[0])
        return deleted

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            for key in list(self._footprints):
                self.forget_footprint(key)
            self._gauge.set(self._held[0])

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
