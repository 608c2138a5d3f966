"""A request id on every request, in its response and on every log line.

``X-Request-ID`` from the client (in production: nginx, which sets it to its
own ``$request_id``) is kept when it is a sane token; otherwise a new one is
made. The id goes back in the response's ``X-Request-ID``, onto every log
record written while the request is served (``RequestIdFilter``), and onto
Sentry's events when Sentry is on.
"""

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
NO_REQUEST = "-"
# Letters, digits and a little punctuation, 128 characters at most: what proxies
# and tracing tools write (UUIDs, hex, "trace-span"), nothing that could forge
# a log line or a header.
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,127}")

current = contextvars.ContextVar("request_id", default=NO_REQUEST)


def request_id_for(value: str | None) -> str:
    """The client's id if it is sane, else a new one."""
    if value and SANE.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.id = request_id_for(request.headers.get(HEADER))
        # Not reset on the way out: Django logs a 4xx or 5xx after the middleware
        # returns. The end of the request clears it (``_forget``).
        current.set(request.id)
        _tag_sentry(request.id)
        response = self.get_response(request)
        response[HEADER] = request.id
        return response


def _tag_sentry(request_id: str) -> None:
    import sentry_sdk

    if sentry_sdk.is_initialized():
        sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)


def _forget(**kwargs) -> None:
    current.set(NO_REQUEST)


request_finished.connect(_forget, dispatch_uid="mlqa-request-id-forget")


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id``: the current request's, or ``-``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "id", None) or current.get()
        return True
