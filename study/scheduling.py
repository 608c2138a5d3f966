"""Spaced-repetition glue: the ``fsrs`` package (FSRS, as in Anki) schedules; a
bookmark carries the card's state. Functions that depend on the clock take
``now`` so tests (and a replay) can pass it in."""

from datetime import UTC, datetime, timedelta
from functools import lru_cache

import fsrs
from django.conf import settings
from django.utils import timezone

from .models import Bookmark

# FSRS with its published default parameters (90% desired retention, learning
# steps of 1 and 10 minutes). Fuzzing spreads cards learned together over
# neighbouring days; previews of the next interval are shown without it.
SCHEDULER = fsrs.Scheduler()
PREVIEW_SCHEDULER = fsrs.Scheduler(enable_fuzzing=False)
# Like Anki: when nothing else is due, a card in a learning step comes back
# up to this early, so a session does not stall on a one-minute step.
LEARN_AHEAD = timedelta(minutes=20)
RATINGS = [(rating.value, rating.name) for rating in fsrs.Rating]


@lru_cache(maxsize=64)
def scheduler_for(desired_retention: float, *, fuzz: bool = True) -> fsrs.Scheduler:
    """FSRS aiming at a member's desired retention (their deck options)."""
    return fsrs.Scheduler(desired_retention=round(desired_retention, 4), enable_fuzzing=fuzz)


def utc_now(now: datetime | None) -> datetime:
    return (now or timezone.now()).astimezone(UTC)


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start and end of the member's day (the site's time zone) around ``now``."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def new_cards_per_day() -> int:
    return settings.MLQA_NEW_CARDS_PER_DAY


def card_token(bookmark: Bookmark) -> str:
    """Names the card's state a rating form was shown for (stale-form detection)."""
    return bookmark.last_review.astimezone(UTC).isoformat() if bookmark.last_review else "new"


def to_fsrs_card(bookmark: Bookmark, now: datetime) -> fsrs.Card:
    if bookmark.state is None:
        return fsrs.Card(card_id=bookmark.pk, due=now)
    return fsrs.Card(
        card_id=bookmark.pk,
        state=fsrs.State(bookmark.state),
        step=bookmark.step,
        stability=bookmark.stability,
        difficulty=bookmark.difficulty,
        due=bookmark.due.astimezone(UTC),
        last_review=bookmark.last_review.astimezone(UTC) if bookmark.last_review else None,
    )


def humanize_interval(delta: timedelta) -> str:
    """A short, human interval: 1 min, 10 min, 3 h, 4 d, 2 mo, 1.5 y."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 60 * 24:
        return f"{round(minutes / 60)} h"
    days = delta.total_seconds() / 86400
    if days < 31:
        return f"{round(days)} d"
    if days < 365:
        return f"{round(days / 30)} mo"
    return f"{days / 365:.1f} y".replace(".0 y", " y")


def next_intervals(
    bookmark: Bookmark, now: datetime, retention: float | None = None
) -> list[tuple[int, str, str]]:
    """(rating, label, when the card would come back) for each of the four ratings."""
    card = to_fsrs_card(bookmark, now)
    preview = PREVIEW_SCHEDULER if retention is None else scheduler_for(retention, fuzz=False)
    out = []
    for rating in fsrs.Rating:
        after, _ = preview.review_card(card, rating, review_datetime=now)
        out.append((rating.value, rating.name, humanize_interval(after.due - now)))
    return out
