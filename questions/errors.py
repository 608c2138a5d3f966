"""One way to answer a refused action.

The services refuse with exceptions; ``service_errors`` turns them into
responses, the same for every view: PermissionDenied 403, ValidationError 400,
Conflict 409, RateLimited 429 (and, with htmx, Http404 404). With htmx the
answer is an inline fragment (the view's own, given as ``inline``, or a short
message), since htmx swaps 4xx responses (base.html's responseHandling) and a
whole error page would land inside a vote box; otherwise a readable page
saying why nothing changed. ``rate_limited("vote")`` counts a member's posts
against the named limit (``questions.ratelimit``) before the view runs.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from questions import ratelimit
from questions.services import Conflict

ERROR_PAGE = "questions/action_error.html"
GONE = "This is no longer here: it may have been removed or hidden by a moderator."

# What each refusal of a service means for the reader, most specific first.
STATUSES: list[tuple[type[Exception], int]] = [
    (PermissionDenied, 403),
    (ValidationError, 400),
    (Conflict, 409),
    (ratelimit.RateLimited, 429),
]
REFUSALS = tuple(kind for kind, _ in STATUSES)

# ``inline(request, message, status, *view_args, **view_kwargs)``: the fragment
# an htmx request gets instead of the plain message.
Inline = Callable[..., HttpResponse]


def message_of(exc: Exception) -> str:
    """The readable text of a refusal."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or "You cannot do that."


def status_of(exc: Exception) -> int:
    return next(status for kind, status in STATUSES if isinstance(exc, kind))


def refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """A readable 4xx page, or for htmx the message alone, saying why nothing changed."""
    template = ERROR_PAGE + ("#message" if request.htmx else "")
    return render(request, template, {"message": message, "status": status}, status=status)


def service_errors(view: Callable | None = None, *, inline: Inline | None = None):
    """Answer the refusals raised inside ``view`` (see the module's docstring).

    Without htmx an Http404 goes on to the site's 404 page as usual.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except Http404:
                if not request.htmx:
                    raise
                return refuse(request, 404, GONE)
            except REFUSALS as exc:
                status, message = status_of(exc), message_of(exc)
                if inline is not None and request.htmx:
                    return inline(request, message, status, *args, **kwargs)
                return refuse(request, status, message)

        return wrapper

    return decorate(view) if view is not None else decorate


def rate_limited(action: str) -> Callable:
    """Count each post of the view against the member's ``action`` limit; past
    it, RateLimited (a 429 through ``service_errors``). A post refused as bad
    input (a 400, or a ValidationError) is given back: a mistake costs nothing.
    Inside ``member_required``: visitors are sent to log in first."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            ratelimit.check(request.user, action)
            try:
                response = view(request, *args, **kwargs)
            except ValidationError:
                ratelimit.give_back(request.user, action)
                raise
            if response.status_code == 400:
                ratelimit.give_back(request.user, action)
            return response

        return wrapper

    return decorate


def over_limit(request: HttpRequest, action: str) -> str:
    """For forms that keep what was typed: count one ``action`` and return the
    refusal to show in the form, or "" when within the limit. Called once the
    form is valid, so a post with a mistake in it costs nothing."""
    try:
        ratelimit.check(request.user, action)
    except ratelimit.RateLimited as exc:
        return exc.message
    return ""
