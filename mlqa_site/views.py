"""Site-wide error answers that are not about any one page."""

import logging
import sys

import psycopg.errors
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

BUSY_PAGE = "503.html"
# Locks are held for seconds at most (the lock timeout): worth a retry soon.
RETRY_AFTER_SECONDS = 5


def is_database_timeout(exc: BaseException | None) -> bool:
    """PostgreSQL gave up on a statement (statement_timeout, a cancel) or on a
    lock (lock_timeout); Django raises these as OperationalError."""
    return isinstance(exc, OperationalError) and isinstance(
        exc.__cause__, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable
    )


def database_busy(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """503 with Retry-After: the full page, or for htmx a one-line message.

    The page reads nothing from the database (no member, no session), which is
    what just failed to answer in time.
    """
    logger.warning("Database timeout on %s %s: %s", request.method, request.path, exc)
    template = BUSY_PAGE + ("#message" if getattr(request, "htmx", False) else "")
    response = HttpResponse(render_to_string(template), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database timeout raised outside any view (in a middleware,
    saving the session) is still a 503; anything else is Django's 500 page."""
    exc = sys.exception()
    if is_database_timeout(exc):
        return database_busy(request, exc)
    return defaults.server_error(request)
