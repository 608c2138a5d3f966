"""The shared cache: Django's Redis backend, made to fail open.

Redis speeds the site up; it is not needed to serve it. When Redis is down,
frozen or refusing commands, every operation behaves as a miss (a read finds
nothing, a write is dropped) and pages are built from the database: slower,
but served. What keeps that cheap and correct:

* Short socket timeouts (``socket_connect_timeout``, ``socket_timeout`` in
  ``OPTIONS``, from the settings), so a frozen Redis costs a fraction of a
  second rather than the operating system's minutes.
* A circuit breaker: after a failure this process leaves Redis alone for
  ``RETRY_AFTER`` seconds, then lets one operation try again. A frozen Redis
  costs one request per process that long, not every request.
* Keys starting with one of the ``LOCAL_FALLBACK`` prefixes (the rate limits'
  counters and locks, ours and allauth's) live in this process's memory while
  Redis is away: a limit per process, instead of refusing everyone (allauth
  finds its lock taken) or no limit at all.
* Writes dropped while Redis was away are remembered (their keys, up to
  ``LOST_KEYS_KEPT``) and deleted there before anything else is read, once it
  answers again: a value that changed meanwhile (a session that ended, a page
  generation that was renewed) is never read back stale.

Failures are logged once when Redis goes away, at most once a minute while it
stays away, and once when it answers again: not a line per request.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from mlqa_site.observability.cachemetrics import count_gets

logger = logging.getLogger(__name__)

LOG_EVERY = 60.0  # seconds between two "still unavailable" lines
LOST_KEYS_KEPT = 10_000
DELETE_CHUNK = 1_000
METRICS_LABEL = "redis"  # of the gets counted for /metrics
_MISSING = object()


class _Outage:
    """Whether Redis failed lately, and what was dropped meanwhile.

    Django makes a cache object per thread; this is shared by the threads of a
    process (one per server address).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.since: float | None = None  # time.monotonic() of the first failure
        self.retry_at = 0.0
        self.error = ""
        self.failures = 0  # since the last log line
        self.logged_at = 0.0
        self.lost: dict[str, None] = {}  # an ordered set of Redis keys
        self.overflowed = False


_outages: dict[str, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


class ReusedClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django's own makes a new ``redis.Redis`` for every operation; redis-py 8
    builds its table of ~170 reply callbacks each time, which cost more than
    the round trip to a local Redis. A ``redis.Redis`` takes its connections
    from the pool per command and may be shared by threads.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    """Django's ``RedisCache`` that treats Redis being unavailable as a miss."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        self.local_prefixes = tuple(options.pop("LOCAL_FALLBACK", ()))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClient
        location = ",".join(self._servers)
        self._outage = _outage_for(location)
        self._local = LocMemCache(f"mlqa-redis-fallback:{location}", {})

    # --- The breaker -------------------------------------------------------------

    def _may_try(self) -> bool:
        """False while Redis failed less than ``retry_after`` seconds ago. Past
        that, one caller (per process) is let through to try it again."""
        outage = self._outage
        if outage.since is None:
            return True
        with outage.lock:
            now = time.monotonic()
            if outage.since is None:
                return True
            if now < outage.retry_at:
                return False
            outage.retry_at = now + self.retry_after
            return True

    def _failed(self, exc: RedisError) -> None:
        outage = self._outage
        with outage.lock:
            now = time.monotonic()
            first = outage.since is None
            if first:
                outage.since = now
            outage.retry_at = now + self.retry_after
            outage.error = f"{type(exc).__name__}: {exc}"
            outage.failures += 1
            log = first or now - outage.logged_at >= LOG_EVERY
            if log:
                outage.logged_at, failures, outage.failures = now, outage.failures, 0
                down_for = now - outage.since
        if not log:
            return
        if first:
            logger.warning(
                "Redis cache unavailable (%s): serving without it, next try in %.0f s",
                outage.error,
                self.retry_after,
            )
        else:
            logger.warning(
                "Redis cache still unavailable after %.0f s (%s): %d failed tries since the "
                "last report",
                down_for,
                outage.error,
                failures,
            )

    def _answered(self) -> None:
        outage = self._outage
        if outage.since is None:
            return
        with outage.lock:
            if outage.since is None:
                return
            down_for = time.monotonic() - outage.since
            outage.since = None
            outage.failures = 0
            outage.overflowed = False
        logger.warning("Redis cache answers again after %.0f s", down_for)

    def _remember(self, keys: Iterable[str]) -> None:
        outage = self._outage
        with outage.lock:
            for key in keys:
                if len(outage.lost) >= LOST_KEYS_KEPT:
                    if not outage.overflowed:
                        outage.overflowed = True
                        logger.warning(
                            "Redis cache: more than %d writes dropped; later ones may be read "
                            "back stale until they expire",
                            LOST_KEYS_KEPT,
                        )
                    return
                outage.lost[key] = None

    def _forget_lost(self) -> None:
        """Delete in Redis what was written or deleted while it was away."""
        outage = self._outage
        if not outage.lost:
            return
        with outage.lock:
            keys, outage.lost = list(outage.lost), {}
        try:
            for start in range(0, len(keys), DELETE_CHUNK):
                self._cache.delete_many(keys[start : start + DELETE_CHUNK])
        except RedisError:
            self._remember(keys)
            raise

    def _run(self, operation: Callable[[], Any], otherwise: Callable[[], Any], lost=()) -> Any:
        """``operation()`` on Redis; ``otherwise()`` when Redis is unavailable, and
        then the Redis keys in ``lost`` are remembered as dropped writes."""
        if self._may_try():
            try:
                self._forget_lost()
                result = operation()
            except RedisError as exc:
                self._failed(exc)
            else:
                self._answered()
                return result
        self._remember(lost)
        return otherwise()

    def _local_key(self, key: str) -> bool:
        return key.startswith(self.local_prefixes)

    def _redis_keys(self, keys: Iterable[str], version: int | None) -> list[str]:
        return [self.make_key(key, version=version) for key in keys if not self._local_key(key)]

    # --- The cache API -------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run(
            lambda: RedisCache.add(self, key, value, timeout, version),
            lambda: self._local_key(key) and self._local.add(key, value, timeout, version),
        )

    def get(self, key, default=None, version=None):
        failed = []

        def otherwise():
            failed.append(True)
            return self._local.get(key, _MISSING, version) if self._local_key(key) else _MISSING

        value = self._run(lambda: RedisCache.get(self, key, _MISSING, version), otherwise)
        found = value is not _MISSING
        count_gets(METRICS_LABEL, asked=1, found=int(found), failed=bool(failed))
        return value if found else default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        def local():
            if self._local_key(key):
                self._local.set(key, value, timeout, version)

        self._run(
            lambda: RedisCache.set(self, key, value, timeout, version),
            local,
            lost=self._redis_keys([key], version),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._run(
            lambda: RedisCache.touch(self, key, timeout, version),
            lambda: self._local_key(key) and self._local.touch(key, timeout, version),
        )

    def delete(self, key, version=None):
        # A local key goes from here whichever way this goes: a lock taken here while
        # Redis was away must not outlive Redis coming back in between.
        deleted_here = self._local_key(key) and self._local.delete(key, version)
        return self._run(
            lambda: RedisCache.delete(self, key, version),
            lambda: deleted_here,
            lost=self._redis_keys([key], version),
        )

    def get_many(self, keys, version=None):
        keys = list(keys)
        failed = []

        def otherwise():
            failed.append(True)
            return self._local.get_many([k for k in keys if self._local_key(k)], version)

        found = self._run(lambda: RedisCache.get_many(self, keys, version), otherwise)
        count_gets(METRICS_LABEL, asked=len(keys), found=len(found), failed=bool(failed))
        return found

    def has_key(self, key, version=None):
        return self._run(
            lambda: RedisCache.has_key(self, key, version),
            lambda: self._local_key(key) and self._local.has_key(key, version),
        )

    def incr(self, key, delta=1, version=None):
        def local():
            if self._local_key(key):
                return self._local.incr(key, delta, version)
            raise ValueError(f"Key '{key}' not found.")  # as for a key that expired

        return self._run(lambda: RedisCache.incr(self, key, delta, version), local)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        def local():
            self._local.set_many(
                {k: v for k, v in data.items() if self._local_key(k)}, timeout, version
            )
            return [k for k in data if not self._local_key(k)]  # the keys not stored

        return self._run(
            lambda: RedisCache.set_many(self, data, timeout, version),
            local,
            lost=self._redis_keys(data, version),
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._run(
            lambda: RedisCache.delete_many(self, keys, version),
            lambda: self._local.delete_many([k for k in keys if self._local_key(k)], version),
            lost=self._redis_keys(keys, version),
        )

    def clear(self):
        self._local.clear()
        return self._run(lambda: RedisCache.clear(self), lambda: False)

    # --- For /healthz -------------------------------------------------------------

    def status(self) -> str:
        """``ok``, or ``degraded (why)``: one round trip at most, within the timeouts."""

        def degraded() -> str:
            outage = self._outage
            since = outage.since
            down_for = 0 if since is None else time.monotonic() - since
            return f"degraded (unavailable for {down_for:.0f} s: {outage.error})"

        return self._run(lambda: self._cache.get_client(write=True).ping() and "ok", degraded)


def status(cache) -> str:
    """The cache's line for /healthz."""
    check = getattr(cache, "status", None)
    return check() if check else "ok (this process's memory: no REDIS_URL)"
