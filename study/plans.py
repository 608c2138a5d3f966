"""Study plans: starting and leaving one (writes), the plans list and a plan's
page with the member's progress per day (reads).

Starting a plan bookmarks its published questions and gives each a PlanCard
whose ``available_from`` is the start of its plan day in the site's time zone:
practice shows a new card only from then on (``deck.ready_for_practice``), so
the plan's questions arrive at its pace, within the member's new cards a day.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from accounts.models import User
from questions.models import Status

from .models import Bookmark
from .models.plans import PlanCard, PlanEnrollment, StudyPlan, StudyPlanItem
from .scheduling import day_bounds, utc_now
from .services import StudyError, _lock_member, bookmark_questions

Card = Bookmark.CardState
PUBLISHED_ITEMS = Q(items__question__status=Status.PUBLISHED)


# --- Writes ----------------------------------------------------------------------------


@transaction.atomic
def start_plan(*, user: User, plan: StudyPlan, now: datetime | None = None) -> PlanEnrollment:
    """Follow a published plan from today: bookmark its questions (removed bookmarks
    come back with their notes) and pace their introduction over the plan's days."""
    if not plan.is_published:
        raise StudyError("This plan is not open yet.")
    now = utc_now(now)
    _lock_member(user)
    if PlanEnrollment.objects.filter(user=user, plan=plan).exists():
        raise StudyError(f"You already follow “{plan.title}”.")
    items = list(
        plan.items.filter(question__status=Status.PUBLISHED).values_list("question_id", flat=True)
    )
    if not items:
        raise StudyError("This plan has no questions yet.")
    today = timezone.localtime(now).date()
    enrollment = PlanEnrollment.objects.create(
        user=user, plan=plan, started_on=today, started_at=now
    )
    bookmark_questions(user=user, wanted=set(items))
    bookmarks = dict(
        Bookmark.objects.filter(user=user, question_id__in=items).values_list("question_id", "pk")
    )
    day_start, _ = day_bounds(now)
    cards = []
    for position, question_id in enumerate(items):
        day = plan.day_of(position, len(items))
        # Local midnight of the plan day, whatever the daylight-saving shifts.
        local = timezone.localtime(day_start) + timedelta(days=day - 1)
        cards.append(
            PlanCard(
                enrollment=enrollment,
                bookmark_id=bookmarks[question_id],
                day=day,
                position=position,
                available_from=day_bounds(local)[0],
            )
        )
    PlanCard.objects.bulk_create(cards)
    return enrollment


@transaction.atomic
def leave_plan(*, user: User, plan: StudyPlan) -> bool:
    """Stop following a plan. Its bookmarks stay, and their cards not yet
    introduced join practice as ordinary new cards."""
    deleted, _ = PlanEnrollment.objects.filter(user=user, plan=plan).delete()
    return bool(deleted)


# --- Reads -----------------------------------------------------------------------------


def published_plans(user: User) -> list[StudyPlan]:
    """Published plans with their question count and, for a member, ``enrollment``
    and ``progress`` (cards practised at least once): three queries at most."""
    plans = list(
        StudyPlan.objects.published().annotate(
            question_total=Count("items", filter=PUBLISHED_ITEMS)
        )
    )
    enrollments = {}
    if user.is_authenticated and plans:
        enrollments = {
            e.plan_id: e
            for e in PlanEnrollment.objects.filter(user=user).annotate(
                started=Count("cards", filter=Q(cards__bookmark__state__isnull=False)),
                cards_total=Count("cards"),
            )
        }
    today = timezone.localdate()
    for plan in plans:
        plan.enrollment = enrollments.get(plan.pk)
        if plan.enrollment:
            plan.enrollment.today = min(plan.enrollment.day_number(today), plan.days)
    return plans


def plan_for_page(slug: str) -> StudyPlan | None:
    """A published plan with its published questions in order (two queries)."""
    items = (
        StudyPlanItem.objects.filter(question__status=Status.PUBLISHED)
        .select_related("question")
        .order_by("position", "pk")
    )
    return (
        StudyPlan.objects.published()
        .filter(slug=slug)
        .prefetch_related(Prefetch("items", queryset=items, to_attr="shown_items"))
        .first()
    )


@dataclass
class PlanDay:
    number: int
    date: object = None  # a datetime.date once the member follows the plan
    questions: list = field(default_factory=list)  # (question, label or "")
    new: int = 0
    learning: int = 0
    known: int = 0
    unlocked: bool = False

    @property
    def done(self) -> int:
        """Practised at least once."""
        return self.learning + self.known


@dataclass
class PlanProgress:
    enrollment: PlanEnrollment | None
    days: list[PlanDay]
    today: int = 0

    @property
    def totals(self) -> dict:
        return {
            name: sum(getattr(day, name) for day in self.days)
            for name in ("new", "learning", "known", "done")
        }


def plan_progress(plan: StudyPlan, user: User, *, now: datetime | None = None) -> PlanProgress:
    """The plan's questions by day and, for a member following it, each card's
    state and which days have started (one or two queries)."""
    now = utc_now(now)
    enrollment = None
    states = {}
    if user.is_authenticated:
        enrollment = PlanEnrollment.objects.filter(user=user, plan=plan).first()
    if enrollment is not None:
        states = {
            card.bookmark.question_id: card
            for card in PlanCard.objects.filter(enrollment=enrollment).select_related("bookmark")
        }
    if not hasattr(plan, "shown_items"):
        plan = plan_for_page(plan.slug) or plan
    items = getattr(plan, "shown_items", [])
    days = {}
    for index, item in enumerate(items):
        card = states.get(item.question_id)
        number = card.day if card else plan.day_of(index, len(items))
        day = days.setdefault(number, PlanDay(number=number))
        label = ""
        if card is not None:
            bookmark = card.bookmark
            label = "removed" if bookmark.removed_at else bookmark.practice_label.lower()
            day.unlocked = card.available_from <= now
            day.date = timezone.localtime(card.available_from).date()
            if label in ("new", "learning", "known"):
                setattr(day, label, getattr(day, label) + 1)
        day.questions.append((item.question, label))
    today = enrollment.day_number(timezone.localtime(now).date()) if enrollment else 0
    return PlanProgress(
        enrollment=enrollment, days=sorted(days.values(), key=lambda d: d.number), today=today
    )
