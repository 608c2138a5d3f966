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
``MAX_ENTRIES``, and past ``MAX_BYTES``, and counts its gets for /metrics
under its location's name. Entries share text: a page's answers section holds
the very strings its answers' fragments are kept as. So a text of
``SHARED_MIN`` characters or more counts once, however many entries hold it,
until the last of them goes; everything else counts with its entry.
"""

import dataclasses
import sys
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT

from mlqa_site.observability.cachemetrics import MISSING, CountedLocMemCache

_ATOMS = (str, bytes, int, float, bool, type(None))
SHARED_MIN = 512  # characters: a text this long counts once, however many entries hold it


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
    # thousands of values.
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


_TEXT = (str, bytes)
_CONTAINERS = (tuple, frozenset)
_TEXT_OVERHEAD = sys.getsizeof("")  # a short text's bytes beyond its characters, about


def _reached(value) -> tuple[int, dict[int, object]]:
    """The bytes of what a frozen ``value`` reaches, but for its texts of
    ``SHARED_MIN`` characters or more, which are given apart, by identity; a
    ``TypeError`` if anything in it can change."""
    small = 0
    large: dict[int, object] = {}
    pending = [value]
    size_of = sys.getsizeof
    while pending:
        item = pending.pop()
        if isinstance(item, _TEXT):
            if len(item) < SHARED_MIN:
                small += len(item) + _TEXT_OVERHEAD
            else:
                large[id(item)] = item
            continue
        small += size_of(item)
        if isinstance(item, _CONTAINERS):
            pending += item
        elif not isinstance(item, _ATOMS):
            names = _frozen_fields(type(item))
            if names is None:
                raise TypeError(f"Only immutable values may be kept here, not {type(item)!r}")
            pending += [getattr(item, name) for name in names]
    return small, large


# Per location: each large text kept, by id, as [the text, its size, the number
# of entries holding it]; and the ids each key holds.
_texts: dict[str, dict[int, list]] = {}
_texts_of: dict[str, dict[str, tuple[int, ...]]] = {}


class ObjectMemoryCache(CountedLocMemCache):
    """A memory cache whose values are shared, not copied: immutable ones only."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self._texts = _texts.setdefault(name, {})
        self._texts_of = _texts_of.setdefault(name, {})

    def measure(self, value) -> tuple[int, dict[int, object]]:
        return _reached(value)

    def account(self, key: str, measured) -> int:
        """The bytes of the value's own small objects; its large texts are
        counted in what the cache holds once, by the first entry holding them."""
        small, large = measured
        for text_id, text in large.items():
            held = self._texts.get(text_id)
            if held is None:
                # Kept here, the text's id cannot be another object's while counted.
                self._texts[text_id] = held = [text, sys.getsizeof(text), 0]
                self._held[0] += held[1]
            held[2] += 1
        self._texts_of[key] = tuple(large)
        return small

    def forget_footprint(self, key: str) -> None:
        super().forget_footprint(key)
        for text_id in self._texts_of.pop(key, ()):
            held = self._texts[text_id]
            held[2] -= 1
            if not held[2]:
                del self._texts[text_id]
                self._held[0] -= held[1]

    def make_and_validate_key(self, key, version=None):
        # Our own keys, never sent to a memcached: no need to check each character.
        return self.make_key(key, version=version)

    def _lookup(self, key: str, version):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return MISSING
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    # _set measures the value first: a value that can change is refused then.
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
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
