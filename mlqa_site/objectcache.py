"""This process's memory of values kept as they are, not pickled: ``caches["objects"]``.

Django's memory cache pickles what it keeps and unpickles it on every get, so
each reader gets a copy of their own. Here a get returns the very object that
was set, shared by every request of the process and its threads: a get costs a
lookup, whatever the value's size. That is only correct for values nobody can
change: strings, numbers, tuples, frozensets and frozen dataclasses of those,
which is all :meth:`ObjectMemoryCache.set` accepts (a ``TypeError`` otherwise).
The question page keeps its per-request pieces here: a page's facts, its
answers' fragments and sections, its members' parts
(``questions.views.question_page``).

Like Django's memory cache, it forgets the least recently used entries past
``MAX_ENTRIES`` and counts its gets for /metrics under its location's name.
"""

import dataclasses
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT

from mlqa_site.observability.cachemetrics import MISSING, CountedLocMemCache

_ATOMS = (str, bytes, int, float, bool, type(None))


_FIELDS: dict[type, tuple[str, ...] | None] = {}  # a frozen dataclass's fields, else None


def _frozen_fields(kind: type) -> tuple[str, ...] | None:
    if kind not in _FIELDS:
        params = getattr(kind, "__dataclass_params__", None)
        frozen_class = dataclasses.is_dataclass(kind) and bool(params and params.frozen)
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)) if frozen_class else None
    return _FIELDS[kind]


def frozen(value) -> bool:
    """Whether nothing in ``value`` can be changed once it is made."""
    # A walk without recursion: a section of 30 answers' views holds some
    # thousands of values, checked on every set.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, _ATOMS):
            continue
        if isinstance(item, tuple | frozenset):
            pending.extend(item)
            continue
        names = _frozen_fields(type(item))
        if names is None:
            return False
        pending.extend(getattr(item, name) for name in names)
    return True


class ObjectMemoryCache(CountedLocMemCache):
    """A memory cache whose values are shared, not copied: immutable ones only."""

    def make_and_validate_key(self, key, version=None):
        # Our own keys, never sent to a memcached: no need to check each character.
        return self.make_key(key, version=version)

    def _check(self, value) -> None:
        if not frozen(value):
            raise TypeError(f"Only immutable values may be kept here, not {type(value)!r}")

    def _lookup(self, key: str, version):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return MISSING
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._check(value)
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._check(value)
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            expiry = self._expire_info.get(key, -1)
            if expiry is not None and expiry <= time.time():
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
