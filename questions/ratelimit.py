"""Per-member rate limits on community actions, counted in the shared cache.

With Redis as the cache (REDIS_URL) the counts hold across processes and
machines; each limit is a fixed window: at most N actions per W seconds.
Limits are settings (``MLQA_RATE_LIMITS``) so deployments and tests can tune them.
"""

import math
import time
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from accounts.models import User

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "vote": (30, 60),
    "verdict": (30, 60),
    "comment": (10, 600),
    "post": (5, 3600),  # answers and proposals together
    "flag": (10, 86400),
    "question": (5, 86400),
    "preview": (60, 60),  # markdown previews and proposal diffs, as members type
    "api": (120, 60),  # read API requests per client address (api/)
    "api-token": (60, 60),  # read API requests per personal access token
    "report": (10, 3600),  # "I was asked this" reports
    "similar": (60, 60),  # similar-question look-ups as a title is typed
}
ACTION_WORDS = {
    "vote": "votes",
    "verdict": "verdicts",
    "comment": "comments",
    "post": "answers or proposals",
    "flag": "flags",
    "question": "questions",
    "preview": "previews",
    "api": "API requests",
    "api-token": "API requests with this token",
    "report": "interview reports",
    "similar": "look-ups of similar questions",
}


@dataclass
class RateLimited(Exception):
    action: str
    limit: int
    window: int
    retry_after: int = 0  # seconds until the window ends and the count starts again

    @property
    def message(self) -> str:
        return (
            f"You have reached the limit of {self.limit} {ACTION_WORDS[self.action]} "
            f"per {_duration(self.window)}. Please wait a little and try again."
        )

    def __str__(self) -> str:
        return self.message


def _duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return unit if count == 1 else f"{count} {unit}s"
    return f"{seconds} seconds"


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **settings.MLQA_RATE_LIMITS}


def _key(who: str, action: str, window: int, now: float) -> str:
    return f"ratelimit:{action}:{who}:{int(now // window)}"


def check(user: User, action: str) -> None:
    """Count one ``action`` by ``user``; raise RateLimited past the limit.

    Moderators are not limited: they clean up in bursts.
    """
    if user.is_moderator:
        return
    hit(action, str(user.pk))


def hit(action: str, who: str) -> None:
    """Count one ``action`` by ``who`` (a member's id, a token's id, an address);
    raise RateLimited, with the seconds left in the window, past the limit."""
    limit, window = limits()[action]
    now = time.time()
    key = _key(who, action, window, now)
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        left = max(1, math.ceil(window - now % window))
        raise RateLimited(action, limit, window, retry_after=left)


def give_back(user: User, action: str) -> None:
    """Uncount one ``action`` that ``check`` counted but that was refused as bad
    input: a post with a mistake in it costs nothing."""
    if user.is_moderator:
        return
    # ValueError: the window turned over meanwhile, and there is nothing to give back.
    with suppress(ValueError):
        cache.decr(_key(str(user.pk), action, limits()[action][1], time.time()))
