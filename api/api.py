"""The read API (django-ninja) under /api/v1/: its setup, authentication by
personal access token, rate limits, conditional GETs and error answers.

Endpoints are in ``api.public`` (anyone) and ``api.me`` (a member's token).
Every GET answer carries an ``ETag`` and a matching ``If-None-Match`` gets
``304``: Django's ConditionalGetMiddleware, applied to each operation.
"""

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import decorator_from_middleware
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, Throttled

from questions import ratelimit

from . import me, public
from .common import AddressThrottle, TokenAuth

conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


def _caching_headers(view):
    """Answers differ by token: caches must keep them apart, a member's own
    data stays out of shared caches, and every reuse is revalidated."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, ["Authorization"])
        # Kept, but checked each time: the ETag makes that cheap.
        if "authorization" in request.headers:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, no_cache=True)
        return response

    return wrapper


api = NinjaAPI(
    title="MLQA read API",
    version="1",
    description=(
        "Published questions, their answers with each answer's verification state, "
        "sources, topics, members' public profiles and the AI models leaderboard; "
        "with a personal access token, your own bookmarks and practice reviews."
    ),
    urls_namespace="api",
    docs_url=None,  # our own page (api.views.docs), with no request leaving the site
    docs_decorator=conditional_get,
)
api.add_decorator(conditional_get, mode="view")
api.add_decorator(_caching_headers, mode="view")


@api.exception_handler(ratelimit.RateLimited)
def rate_limited(request: HttpRequest, exc: ratelimit.RateLimited) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """Past the per-address limit (``AddressThrottle``); ninja adds Retry-After."""
    limit, window = ratelimit.limits()["api"]
    message = ratelimit.RateLimited("api", limit, window).message
    return api.create_response(request, {"detail": message}, status=429)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = "A valid personal access token is needed: Authorization: Bearer <token>."
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


api.add_router("", public.router, throttle=AddressThrottle())
api.add_router("/me", me.router, auth=TokenAuth())
