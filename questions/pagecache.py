"""Whole pages cached for visitors, invalidated by the writes that change them.

A visitor (not signed in, no pending message) sees the same question page and
the same list as every other visitor, so the rendered HTML is kept in the
cache and served without touching the database. Two things make that safe:

* **Generations.** A page's cache key includes a random token per scope: one
  for the whole site, one for the lists and one per question. The services
  call :func:`question_changed` (votes, answers, edits, comments, moderation,
  bookmarks, reports) or :func:`site_changed` (what shows on many pages: a
  member's name, an admin edit, an import) once their transaction commits;
  that replaces the token, so every page built before the change is never
  looked up again and expires with its timeout.
* **The CSRF token.** Every visitor needs their own token in the page's forms.
  Pages are rendered with :data:`CSRF_PLACEHOLDER` in its place (the context
  processor below), and each response, cached or fresh, gets the visitor's
  own token substituted in.

Pages are kept in the shared cache and, the most recent ones, in each
process's own memory too (the ``pages`` cache): a key names one generation of
a page, so a copy found there is exactly as current as the shared one, and a
hit costs one round trip to the shared cache (the generations), not the
transfer of a whole page. Members' question pages are built from the same
idea at a finer grain: each answer is a ``{% cache %}`` fragment in the
``fragments`` cache, keyed on the same generations and on what differs between
readers (see ``reading._viewer_key``).

It is on when ``MLQA_PAGE_CACHE_SECONDS`` is above zero: by default only with a
shared cache (``REDIS_URL``), since per-process memory caches could not see
each other's invalidations.
"""

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

CSRF_PLACEHOLDER = "mlqa-csrf-token-placeholder"
_SITE = "pagegen:site"
_LISTS = "pagegen:lists"
_REQUEST_FLAG = "_mlqa_page_cache_render"


def _question_key(question_id: int) -> str:
    return f"pagegen:q:{question_id}"


def enabled() -> bool:
    return settings.MLQA_PAGE_CACHE_SECONDS > 0


# --- Invalidation ------------------------------------------------------------------


def _renew(keys: list[str]) -> None:
    cache.set_many({key: secrets.token_hex(6) for key in keys}, timeout=None)


def question_changed(*question_ids: int) -> None:
    """These questions' pages and every list change once the transaction commits."""
    if not enabled():
        return
    keys = [_LISTS, *(_question_key(pk) for pk in sorted(set(question_ids)) if pk)]
    transaction.on_commit(lambda: _renew(keys), robust=True)


def site_changed() -> None:
    """Every cached page changes once the transaction commits (names, admin edits)."""
    if enabled():
        transaction.on_commit(lambda: _renew([_SITE]), robust=True)


def _generations(keys: list[str]) -> list[str]:
    """The current token of each scope, making one for a scope that has none."""
    found = cache.get_many(keys)
    missing = {key: secrets.token_hex(6) for key in keys if key not in found}
    for key, token in missing.items():
        # Another process may have made one meanwhile: theirs wins.
        if not cache.add(key, token, timeout=None):
            missing[key] = cache.get(key, token)
    return [found.get(key) or missing[key] for key in keys]


# --- Fragments for members -------------------------------------------------------


def fragment_context(question_id: int) -> dict:
    """What the question page's ``{% cache %}`` blocks key on: the site's and the
    question's generations, so the same writes that renew visitors' pages renew
    the fragments members' pages are built from. ``fragment_seconds`` is 0 (no
    caching) while the page cache is off."""
    if not enabled():
        return {"fragment_seconds": 0, "fragment_generation": ""}
    return {
        "fragment_seconds": settings.MLQA_PAGE_CACHE_SECONDS,
        "fragment_generation": "-".join(_generations([_SITE, _question_key(question_id)])),
    }


def with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the visitor's or member's own CSRF token where the page has the placeholder
    (unless the page is being made for the visitors' cache, which does it itself)."""
    if not response.streaming and not getattr(request, _REQUEST_FLAG, False):
        response.content = _with_token(request, response.content)
    return response


# --- Serving -----------------------------------------------------------------------


def csrf_placeholder(request: HttpRequest) -> dict:
    """Context processor: while a page is rendered for the cache, forms carry the
    placeholder instead of this visitor's token, and scripts no CSP nonce (the
    policy allows the site's own scripts; a nonce kept in a cached page would be
    every later visitor's)."""
    if getattr(request, _REQUEST_FLAG, False):
        return {"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": None}
    return {}


def _cacheable(request: HttpRequest, params: frozenset[str]) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    # Anything the page shows that is not the same for every visitor: a member,
    # a flash message, an unknown query parameter (it would end up in links).
    if "messages" in request.COOKIES or any(key not in params for key in request.GET):
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES or not (
        request.user.is_authenticated or request.session.get("_messages")
    )


def _with_token(request: HttpRequest, content: bytes) -> bytes:
    if CSRF_PLACEHOLDER.encode() not in content:
        return content
    return content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())


def for_visitors(
    *, params: Iterable[str], question_kwarg: str | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a view's 200 responses to visitors from the cache.

    ``params`` are the query parameters the view reads (a request with any other
    is not cached); ``question_kwarg`` names the URL argument holding the
    question's id for a question page, whose entries then follow that question's
    generation, and otherwise the lists' generation.
    """
    allowed = frozenset(params)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not enabled() or not _cacheable(request, allowed):
                return view(request, *args, **kwargs)
            scope = _question_key(kwargs[question_kwarg]) if question_kwarg else _LISTS
            htmx = request.headers.get("HX-Request") == "true"
            restore = request.headers.get("HX-History-Restore-Request") == "true"
            parts = [
                *_generations([_SITE, scope]),
                request.scheme,
                request.get_host(),
                request.get_full_path(),
                f"htmx={htmx and not restore}",
            ]
            key = "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
            local = caches["pages"]
            cached = local.get(key)
            if cached is None:
                cached = cache.get(key)
                if cached is not None:  # kept here no longer than in the shared cache
                    local.set(key, cached, max(1, round(cached[2] - time.time())))
            if cached is not None:
                content_type, content, _ = cached
                response = HttpResponse(_with_token(request, content), content_type=content_type)
            else:
                setattr(request, _REQUEST_FLAG, True)
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    # An error page rendered after this (a 404) gets the real token.
                    setattr(request, _REQUEST_FLAG, False)
                if response.streaming:
                    return response
                if response.status_code == 200 and not response.cookies:
                    seconds = settings.MLQA_PAGE_CACHE_SECONDS
                    entry = (response["Content-Type"], response.content, time.time() + seconds)
                    cache.set(key, entry, seconds)
                    local.set(key, entry, seconds)
                response.content = _with_token(request, response.content)
            patch_vary_headers(response, ["HX-Request", "Cookie"])
            return response

        return wrapped

    return decorator
