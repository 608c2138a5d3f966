"""Deck options: a member's daily limits, desired retention and new-card order,
and how practice applies them (the queue's plan pacing and order)."""

from datetime import datetime

from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Mod
from django.utils import timezone

from accounts.models import User

from .models import InterviewReport
from .models.plans import (
    NEW_PER_DAY_MAX,
    RETENTION_MAX,
    RETENTION_MIN,
    REVIEWS_PER_DAY_MAX,
    DeckOptions,
    NewCardOrder,
    PlanCard,
)
from .scheduling import utc_now
from .services import StudyError

EXTRA_NEW_MAX = 100


def ready_for_practice(now: datetime) -> Q:
    """Bookmarks practice may show: outside any plan, or one of their plan days has come."""
    cards = PlanCard.objects.filter(bookmark=OuterRef("pk"))
    return ~Exists(cards) | Exists(cards.filter(available_from__lte=now))


def as_flag(condition: Q) -> ExpressionWrapper:
    """A condition as a boolean column (aggregates over annotations can filter on it)."""
    return ExpressionWrapper(condition, output_field=BooleanField())


def new_card_order(options: DeckOptions, user: User) -> tuple[dict, list]:
    """Annotations and ordering that put new cards in the member's chosen order.

    Plan order: a plan's cards by the day they became available, then their place
    in the plan; other cards after them, first bookmarked first. Random: a fixed
    shuffle per member (the same card stays first across reloads). Most asked:
    the questions with the most visible interview reports first.
    """
    match options.new_order:
        case NewCardOrder.RANDOM:
            key = Mod(F("pk") * 7919 + Value(user.pk * 104729 % 10007), Value(10007))
            return {"new_key": key}, ["new_key"]
        case NewCardOrder.MOST_ASKED:
            reports = (
                InterviewReport.objects.visible()
                .filter(question=OuterRef("question_id"))
                .order_by()
                .values("question_id")
                .annotate(n=Count("pk"))
                .values("n")
            )
            return {"new_key": Coalesce(Subquery(reports[:1]), 0)}, [F("new_key").desc()]
    cards = PlanCard.objects.filter(bookmark=OuterRef("pk")).order_by("available_from", "position")
    annotations = {
        "plan_from": Subquery(cards.values("available_from")[:1]),
        "plan_position": Subquery(cards.values("position")[:1]),
    }
    return annotations, [F("plan_from").asc(nulls_last=True), "plan_position"]


def _whole(value, name: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise StudyError(f"{name} is a whole number from {low} to {high}.") from None
    if not low <= number <= high:
        raise StudyError(f"{name} is a whole number from {low} to {high}.")
    return number


@transaction.atomic
def save_options(
    *,
    user: User,
    new_per_day,
    max_reviews_per_day,
    desired_retention,
    new_order: str,
) -> DeckOptions:
    """Validate and store the member's deck options; StudyError says what is wrong."""
    options = DeckOptions.for_update(user)
    options.new_per_day = _whole(new_per_day, "New cards per day", 0, NEW_PER_DAY_MAX)
    options.max_reviews_per_day = _whole(
        max_reviews_per_day, "Maximum reviews per day", 0, REVIEWS_PER_DAY_MAX
    )
    try:
        retention = float(str(desired_retention).strip().rstrip("%"))
    except ValueError:
        retention = -1.0
    if str(desired_retention).strip().endswith("%") or 1 < retention <= 100:
        retention /= 100  # "90" or "90%" means 0.90
    retention = round(retention, 4)
    if not RETENTION_MIN <= retention <= RETENTION_MAX:
        raise StudyError(
            f"Desired retention is between {RETENTION_MIN:.2f} and {RETENTION_MAX:.2f} "
            "(70% to 97%): higher means more reviews, lower means more forgetting."
        )
    options.desired_retention = retention
    if new_order not in NewCardOrder.values:
        raise StudyError("Choose an order of new cards from the list.")
    options.new_order = new_order
    options.save()
    return options


@transaction.atomic
def add_new_cards(*, user: User, count, now: datetime | None = None) -> DeckOptions:
    """Let ``count`` more new cards in today (the done-for-now screen's offer)."""
    count = _whole(count, "Extra new cards", 1, EXTRA_NEW_MAX)
    today = timezone.localtime(utc_now(now)).date()
    options = DeckOptions.for_update(user)
    if options.extra_new_on != today:
        options.extra_new, options.extra_new_on = 0, today
    options.extra_new = min(options.extra_new + count, EXTRA_NEW_MAX)
    options.save()
    return options
