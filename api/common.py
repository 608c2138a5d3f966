"""What the read API's endpoints share: the rate limits per address and per
token (questions.ratelimit), token authentication, and page-number pagination."""

import math
import time
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from accounts.throttle import client_ip
from questions import ratelimit

from . import tokens


class AddressThrottle(BaseThrottle):
    """At most MLQA_RATE_LIMITS["api"] requests per client address and window,
    counted by questions.ratelimit (shared across processes through Redis)."""

    def allow_request(self, request: HttpRequest) -> bool:
        try:
            ratelimit.hit("api", client_ip(request))
        except ratelimit.RateLimited:
            return False
        return True

    def wait(self) -> float:
        _, window = ratelimit.limits()["api"]
        return window - time.time() % window


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: a member's live personal access token.
    Counts the address, then the token, against their rate limits."""

    def authenticate(self, request: HttpRequest, token: str):
        ratelimit.hit("api", client_ip(request))
        found = tokens.authenticate(token)
        if found is None:
            return None
        ratelimit.hit("api-token", str(found.pk))
        return found


class Pages(PageNumberPagination):
    """``?page=`` (from 1) and ``?page_size=`` (1 to 100, 20 by default)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=10_000, description="The page, from 1.")
        page_size: int = Field(20, ge=1, le=100, description="Items per page.")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items on every page together.")
        page: int
        pages: int
        next: str | None = Field(description="The next page's address, if any.")
        previous: str | None

    def paginate_queryset(self, queryset, pagination: Input, request: HttpRequest, **params):
        size, number = pagination.page_size, pagination.page
        count = self._items_count(queryset)
        pages = max(1, math.ceil(count / size))
        offset = (number - 1) * size
        return {
            "items": list(queryset[offset : offset + size]) if offset < count else [],
            "count": count,
            "page": number,
            "pages": pages,
            "next": _page_url(request, number + 1) if number < pages else None,
            "previous": _page_url(request, min(number - 1, pages)) if number > 1 else None,
        }


def _page_url(request: HttpRequest, number: int) -> str:
    params = request.GET.copy()
    params["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
