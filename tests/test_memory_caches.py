"""This process's memory caches forget their least recently used entries past a
number of bytes as well as a number of entries, and count text that entries
share once."""

import pickle

import pytest

from mlqa_site.objectcache import SHARED_MIN, ObjectMemoryCache
from mlqa_site.observability.cachemetrics import CountedLocMemCache

KB = 1024


@pytest.fixture
def pages():
    cache = CountedLocMemCache("test-bytes-pages", {"OPTIONS": {"MAX_BYTES": 10 * KB}})
    yield cache
    cache.clear()


@pytest.fixture
def objects():
    cache = ObjectMemoryCache("test-bytes-objects", {"OPTIONS": {"MAX_BYTES": 20 * KB}})
    yield cache
    cache.clear()


def test_a_pickled_cache_forgets_the_least_recently_used_past_its_bytes(pages):
    for n in range(4):
        pages.set(f"page-{n}", "x" * 2 * KB)  # four fit
    assert pages.get("page-0") == "x" * 2 * KB  # read again: now the most recent
    pages.set("page-4", "y" * 2 * KB)
    assert pages.get("page-1") is None  # the least recently used went
    assert [pages.get(f"page-{n}") is not None for n in (0, 2, 3, 4)] == [True] * 4
    size = len(pickle.dumps("x" * 2 * KB, pickle.HIGHEST_PROTOCOL))
    assert pages.held_bytes() == 4 * size <= 10 * KB


def test_a_replaced_deleted_or_cleared_entry_no_longer_counts(pages):
    pages.set("page", "x" * 4 * KB)
    pages.set("page", "x" * 2 * KB)
    assert pages.held_bytes() < 3 * KB
    pages.delete("page")
    assert pages.held_bytes() == 0
    pages.set("other", "x" * KB)
    pages.clear()
    assert pages.held_bytes() == 0
    assert pages.get("other") is None


def test_one_entry_larger_than_the_bound_is_still_kept_alone(pages):
    pages.set("small", "x")
    pages.set("large", "x" * 12 * KB)
    assert pages.get("large") is not None
    assert pages.get("small") is None


def test_text_shared_by_entries_counts_once_and_until_the_last_goes(objects):
    text = "answer " * (SHARED_MIN // 2)  # one object, held by three entries
    objects.set("fragment", text)
    alone = objects.held_bytes()
    objects.set("section", (text, "between"))
    objects.set("other-view", (text, "more"))
    both = objects.held_bytes()
    assert alone < both < 2 * alone  # the small strings and tuples, not the text again
    objects.delete("fragment")
    objects.delete("section")
    assert objects.held_bytes() > len(text)  # "other-view" still holds it
    objects.delete("other-view")
    assert objects.held_bytes() == 0


def test_objects_past_the_bound_go_least_recently_used_first(objects):
    for n in range(5):
        objects.set(f"answer-{n}", f"{n}" * 6 * KB)  # texts of their own
    assert objects.held_bytes() <= 20 * KB
    assert (objects.get("answer-0"), objects.get("answer-1")) == (None, None)
    assert objects.get("answer-4") == "4" * 6 * KB


def test_the_sites_memory_caches_are_bounded_by_bytes():
    from django.core.cache import caches

    bounds = {name: caches[name].max_bytes for name in ("pages", "fragments", "objects")}
    assert all(bounds.values()), bounds
