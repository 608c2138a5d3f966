"""Whole pages cached for visitors, invalidated by the writes that change them.

A visitor (not signed in, no pending message) sees the same question page and
the same list as every other visitor: their pages carry no CSRF token and no
form that posts (every post needs a member, so visitors get "Log in to …"
links), nothing about the reader at all. So the rendered HTML is kept in the
cache and served without touching the database, and the same response may be
kept by the browser and by a reverse proxy or CDN (``Cache-Control: public``,
an ``ETag`` and ``Last-Modified`` from the generations below, ``304`` to a
matching ``If-None-Match``). Members' responses are ``Cache-Control: private``.

**Generations.** A page's cache key and ETag include a token per scope: one
for the whole site, one for the lists and one per question. Each token is the
time it was made and a random part. The services call, once their
transaction commits:

* :func:`question_changed` when what a question's page *and the lists* show
  changes (a new or hidden question or answer, an edit, an accepted proposal,
  a verdict, a report of being asked: titles, counts of answers, the top
  answer's state, search text);
* :func:`question_page_changed` when only the question's page changes (votes,
  comments, bookmarks, proposals made, rejected or withdrawn). The
  lists show answer scores and bookmark counts too, but do not follow each
  vote: a cached list is at most ``MLQA_LIST_CACHE_SECONDS`` old in those
  numbers (see ``list_seconds``), so that activity does not keep the lists'
  cache cold;
* :func:`site_changed` when what shows on many pages changes (a member's
  name, an admin edit, an import, re-rendered markdown).

Renewing a token means every page built before is never looked up again and
expires with its timeout. Nothing in a response is ever rewritten after it is
rendered.

Pages are kept in the shared cache and, the most recent ones, in each
process's own memory too (the ``pages`` cache): a key names one generation of
a page, so a copy found there is exactly as current as the shared one.
Members' question pages are assembled from answer fragments keyed on the same
generations (``questions.views.question_page``), members' lists from rows kept
per list generation (``questions.listing``).

It is on when ``MLQA_PAGE_CACHE_SECONDS`` is above zero: by default only with a
shared cache (``REDIS_URL``), since per-process memory caches could not see
each other's invalidations.
"""

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from accounts import usercache

_SITE = "pagegen:site"
_LISTS = "pagegen:lists"
VARY = ("Cookie", "HX-Request")


def _question_key(question_id: int) -> str:
    return f"pagegen:q:{question_id}"


def enabled() -> bool:
    return settings.MLQA_PAGE_CACHE_SECONDS > 0


def list_seconds() -> int:
    """How long a list page is kept: its counters (scores, bookmarks) may lag this much."""
    return min(settings.MLQA_PAGE_CACHE_SECONDS, settings.MLQA_LIST_CACHE_SECONDS)


# --- Invalidation ------------------------------------------------------------------


def _new_token() -> str:
    return f"{int(time.time()):x}.{secrets.token_hex(6)}"


def _renew(keys: list[str]) -> None:
    cache.set_many({key: _new_token() for key in keys}, timeout=None)


def _on_commit(keys: list[str]) -> None:
    if enabled() and keys:
        transaction.on_commit(lambda: _renew(keys), robust=True)


def question_changed(*question_ids: int) -> None:
    """These questions' pages and every list change once the transaction commits."""
    _on_commit([_LISTS, *(_question_key(pk) for pk in sorted(set(question_ids)) if pk)])


def question_page_changed(*question_ids: int) -> None:
    """Only these questions' own pages change (votes, comments, proposals, bookmarks)."""
    _on_commit([_question_key(pk) for pk in sorted(set(question_ids)) if pk])


def site_changed() -> None:
    """Every cached page changes once the transaction commits (names, admin edits)."""
    _on_commit([_SITE])


# The tokens a page's request has read (``_reading``): its view reads them
# again without another round trip, and builds the page from one generation.
_read: ContextVar[dict[str, str] | None] = ContextVar("mlqa_generations_read", default=None)


def _generations(keys: list[str]) -> list[str]:
    """The current token of each scope, making one for a scope that has none."""
    read = _read.get()
    if read is not None and all(key in read for key in keys):
        return [read[key] for key in keys]
    found = cache.get_many(keys)
    missing = {key: _new_token() for key in keys if key not in found}
    for key, token in missing.items():
        # Another process may have made one meanwhile: theirs wins.
        if not cache.add(key, token, timeout=None):
            missing[key] = cache.get(key, token)
    tokens = [found.get(key) or missing[key] for key in keys]
    if read is not None:
        read.update(zip(keys, tokens, strict=True))
    return tokens


@contextmanager
def _reading(request: HttpRequest, keys: list[str]) -> Iterator[None]:
    """Within the block, the generations of ``keys`` are read once: with a
    signed-in member's cached row, in one round trip, when the request has a
    session (``accounts.usercache.read_with``)."""
    token = _read.set({})
    try:
        user_id = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user_id = request.session.get(SESSION_KEY)
        with usercache.read_with(user_id, keys) as found:
            _read.get().update((key, value) for key, value in found.items() if value)
            yield
    finally:
        _read.reset(token)


def _made_at(tokens: Iterable[str]) -> int:
    """When the newest of these generations was made (seconds since the epoch)."""
    stamps = []
    for token in tokens:
        try:
            stamps.append(int(token.split(".", 1)[0], 16))
        except ValueError:  # a token from before tokens carried their time
            stamps.append(int(time.time()))
    return max(stamps)


def question_generation(question_id: int) -> str:
    """The generation a question page's fragments are keyed on; "" while caching is off."""
    if not enabled():
        return ""
    return "-".join(_generations([_SITE, _question_key(question_id)]))


def list_generation() -> str:
    """The generation the lists' shared parts are keyed on (``questions.listing``);
    "" while caching is off."""
    if not enabled():
        return ""
    return "-".join(_generations([_SITE, _LISTS]))


def shareable(request: HttpRequest, params: Iterable[str]) -> bool:
    """Whether the request asks only for these query parameters: anything else
    ends up in the page's links, and is not worth a cache entry of its own."""
    allowed = frozenset(params)
    return all(key in allowed for key in request.GET)


def get_kept(key: str):
    """A value stored by :func:`keep`: this process's copy, else the shared one
    (then copied here for no longer than it has left there); None if neither.
    The copies live in the ``pages`` cache: few entries, each of a page's size."""
    local = caches["pages"]
    entry = local.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is not None:
            local.set(key, entry, max(1, round(entry[1] - time.time())))
    return None if entry is None else entry[0]


def keep(key: str, value, seconds: int) -> None:
    """Store a value in the shared cache and in this process's memory."""
    entry = (value, time.time() + seconds)
    cache.set(key, entry, seconds)
    caches["pages"].set(key, entry, seconds)


# --- Serving -----------------------------------------------------------------------


def _for_everyone(request: HttpRequest, params: frozenset[str]) -> bool:
    """Whether this request gets the page every visitor gets."""
    if request.method not in ("GET", "HEAD"):
        return False
    # Anything the page shows that is not the same for every visitor: a member,
    # a flash message, an unknown query parameter (it would end up in links).
    if "messages" in request.COOKIES or any(key not in params for key in request.GET):
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES or not (
        request.user.is_authenticated or request.session.get("_messages")
    )


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True)
    patch_vary_headers(response, VARY)
    return response


def _public(response: HttpResponse, etag: str, last_modified: int) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(
        response,
        public=True,
        max_age=settings.MLQA_PUBLIC_MAX_AGE,
        s_maxage=settings.MLQA_PUBLIC_S_MAXAGE,
    )
    patch_vary_headers(response, VARY)
    return response


def for_visitors(
    *, params: Iterable[str], question_kwarg: str | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a view's 200 responses to visitors from the cache, with validators.

    ``params`` are the query parameters the view reads (a request with any other
    is not shared); ``question_kwarg`` names the URL argument holding the
    question's id for a question page, whose entries then follow that question's
    generation, and otherwise the lists' generation (and ``list_seconds``).
    Everyone else's responses are ``private``.
    """
    allowed = frozenset(params)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not enabled():
                return _private(view(request, *args, **kwargs))
            scope = _question_key(kwargs[question_kwarg]) if question_kwarg else _LISTS
            with _reading(request, [_SITE, scope]):
                return serve(request, scope, args, kwargs)

        def serve(request: HttpRequest, scope: str, args, kwargs) -> HttpResponse:
            if not _for_everyone(request, allowed):
                return _private(view(request, *args, **kwargs))
            seconds = settings.MLQA_PAGE_CACHE_SECONDS if question_kwarg else list_seconds()
            htmx = request.headers.get("HX-Request") == "true"
            restore = request.headers.get("HX-History-Restore-Request") == "true"
            tokens = _generations([_SITE, scope])
            parts = [
                *tokens,
                request.scheme,
                request.get_host(),
                request.get_full_path(),
                f"htmx={htmx and not restore}",
            ]
            digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
            etag, last_modified = f'W/"{digest[:32]}"', _made_at(tokens)
            # The browser's or the proxy's copy is current: nothing to send.
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if not_modified is not None and not_modified.status_code == 304:
                return _public(not_modified, etag, last_modified)
            key = "page:" + digest
            local = caches["pages"]
            cached = local.get(key)
            if cached is None:
                cached = cache.get(key)
                if cached is not None:  # kept here no longer than in the shared cache
                    local.set(key, cached, max(1, round(cached[2] - time.time())))
            if cached is not None:
                content_type, content, _ = cached
                return _public(
                    HttpResponse(content, content_type=content_type), etag, last_modified
                )
            response = view(request, *args, **kwargs)
            if response.streaming or response.status_code != 200:
                return _private(response)
            if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                # Not the same for everyone after all (it set a cookie, or used
                # a CSRF token): never shared.
                return _private(response)
            entry = (response["Content-Type"], response.content, time.time() + seconds)
            cache.set(key, entry, seconds)
            local.set(key, entry, seconds)
            return _public(response, etag, last_modified)

        return wrapped

    return decorator
