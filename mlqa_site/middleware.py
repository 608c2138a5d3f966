"""Characters a request may not bring in, and database timeouts.

A NUL is refused with a 400 before any view sees the request. The other
control characters (tab and newlines aside) are taken out of posted form
fields, so that whatever the member typed around them is kept. A database
timeout in a view is answered 503.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

from mlqa_site.text import clean_text, has_unwanted
from mlqa_site.views import database_busy, is_database_timeout

NUL = "\x00"


def _has_nul(pairs: Iterable[tuple[str, list[str] | str]]) -> bool:
    for key, values in pairs:
        values = [values] if isinstance(values, str) else values
        if NUL in key or any(NUL in value for value in values):
            return True
    return False


class RejectNulMiddleware:
    """A NUL has no place in a path, a query string, a form field or a cookie, and
    PostgreSQL refuses it in text: without this, such a value reaching a query
    (a search, a slug, a username, the session key) is a 500 instead of a 400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            NUL in request.path_info
            or _has_nul(request.GET.lists())
            or _has_nul(request.COOKIES.items())
            or (request.method == "POST" and _has_nul(request.POST.lists()))
        ):
            raise BadRequest("A NUL character in the request.")
        return self.get_response(request)


def _is_secret(field: str) -> bool:
    # A password is compared, never shown or published: it is kept as typed,
    # or a password set with such a character would stop working.
    return "password" in field.lower()


class StripControlCharactersMiddleware:
    """Posted form fields lose the characters stored text never holds
    (``mlqa_site.text.clean_text``): control characters such as U+0002, which
    XML cannot carry (one in an answer would break the feeds), and the marks
    search uses for highlighting. Every form (the site's, the admin's,
    allauth's) and every view reading ``request.POST`` gets the cleaned text;
    the rest of what was typed is kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            post = request.POST
            dirty = [
                key
                for key, values in post.lists()
                if not _is_secret(key) and any(has_unwanted(value) for value in values)
            ]
            if dirty:
                cleaned = post.copy()
                for key in dirty:
                    cleaned.setlist(key, [clean_text(value) for value in post.getlist(key)])
                cleaned._mutable = False
                request.POST = cleaned
        return self.get_response(request)


class DatabaseTimeoutMiddleware:
    """A view whose query ran past the statement timeout, or waited past the lock
    timeout, gets a 503 "busy, try again" instead of a 500: the request was fine,
    the database could not serve it in time."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_timeout(exception):
            return database_busy(request, exception)
        return None
