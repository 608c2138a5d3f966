"""``member_required``: views that need an account send visitors to log in and
bring them back to where they were."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


def _same_site_path(request: HttpRequest, url: str | None) -> str | None:
    """The path and query of ``url`` if it points at this site, else None."""
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    if not parts.path.startswith("/"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def return_path(request: HttpRequest) -> str:
    """Where a visitor should land after logging in.

    A page (GET) comes back to itself. An action (POST) or an htmx fragment
    comes back to the page it was started from: htmx names it in
    HX-Current-URL, a plain form in the Referer. Anything pointing at another
    site is ignored in favour of the home page.
    """
    if request.htmx:
        candidates = [request.htmx.current_url, request.headers.get("referer")]
    elif request.method in ("GET", "HEAD"):
        candidates = [request.get_full_path()]
    else:
        candidates = [request.headers.get("referer")]
    for candidate in candidates:
        path = _same_site_path(request, candidate)
        if path:
            return path
    return reverse("home")


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let signed-in members through; send visitors to log in, then back.

    For htmx requests the redirect is a client-side one (``HX-Redirect``), so
    the whole page goes to the log-in form instead of a fragment being swapped.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        login = redirect_to_login(return_path(request))
        if request.htmx:
            return HttpResponseClientRedirect(login.url)
        return login

    return wrapper
