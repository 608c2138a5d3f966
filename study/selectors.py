"""Study reads: the hooks the reading pages call (``with_study_state`` and
``question_page_context``), the bookmarks page, and the practice page."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from questions import selectors
from questions.models import Answer, Question, Source, Status, Topic

from .deck import DeckOptions, as_flag, new_card_order, ready_for_practice
from .marks import mark_bookmarks
from .models import Bookmark, InterviewLevel, InterviewReport, Review, recent_report
from .scheduling import LEARN_AHEAD, day_bounds, next_intervals, utc_now

CHART_DAYS = 30
Card = Bookmark.CardState


# --- Hooks for the reading pages -------------------------------------------------------


def with_study_state(questions: Iterable[Question], user: User) -> list[Question]:
    """Mark a page's list rows: ``asked_recently`` (unless the "most asked" sort
    computed it already) and, for members, ``is_bookmarked``: one query each for
    the page's ids, never a subquery per row of the whole list."""
    rows = with_asked_counts(questions)
    mark_bookmarks(rows, user)
    return rows


def with_asked_counts(questions: Iterable[Question]) -> list[Question]:
    """Set ``asked_recently`` on each row (unless the "most asked" sort computed
    it already), in one query for the page's ids. The same for every reader."""
    rows = list(questions)
    ids = [question.pk for question in rows]
    if ids and not all(hasattr(question, "asked_recently") for question in rows):
        asked = dict(
            InterviewReport.objects.visible()
            .recent()
            .filter(question_id__in=ids)
            .order_by()
            .values("question_id")
            .annotate(n=Count("pk"))
            .values_list("question_id", "n")
        )
        for question in rows:
            question.asked_recently = asked.get(question.pk, 0)
    return rows


@dataclass(frozen=True)
class AskedSummary:
    """What the question page says about interview reports. Reporters stay private."""

    total: int = 0
    recent: int = 0
    latest_year: int | None = None
    companies: list[str] = field(default_factory=list)
    company_pages: list[tuple[str, str]] = field(default_factory=list)  # (name, address)
    mine: int = 0  # the member's own reports, hidden and held ones included
    my_latest: int | None = None


def asked_summary(question: Question, user: User, *, now: datetime | None = None) -> AskedSummary:
    """Counts in one query (plus one for the companies when there are reports)."""
    visible = Q(is_hidden=False, is_held=False)
    mine = Q(user=user) if user.is_authenticated else Q(pk__in=[])
    totals = InterviewReport.objects.filter(question=question).aggregate(
        total=Count("pk", filter=visible),
        recent=Count("pk", filter=visible & recent_report(utc_now(now))),
        latest_year=Max("year", filter=visible),
        mine=Count("pk", filter=mine),
        my_latest=Max("year", filter=mine),
    )
    companies = []
    if totals["total"]:
        companies = list(
            InterviewReport.objects.visible()
            .filter(question=question, company_ref__isnull=False)
            .values("company_ref__name", "company_ref__slug")
            .annotate(n=Count("pk"))
            .order_by("-n", "company_ref__slug")[:5]
        )
    return AskedSummary(
        companies=[row["company_ref__name"] for row in companies],
        company_pages=[
            (row["company_ref__name"], reverse("company_detail", args=[row["company_ref__slug"]]))
            for row in companies
        ],
        **totals,
    )


def question_page_context(question: Question, user: User) -> dict:
    """Extra context for the question page: the member's bookmark, reports."""
    bookmark = None
    if user.is_authenticated:
        bookmark = Bookmark.objects.filter(user=user, question=question).first()
    return page_study_context(asked_summary(question, user), bookmark=bookmark)


def page_study_context(asked: AskedSummary, *, bookmark=None) -> dict:
    """The study tools' context from what the page read already (the question
    page reads it with the reader's other marks: ``questions.reader_marks``);
    ``bookmark`` is anything with ``pk`` and ``note``."""
    return {
        "study_bookmark": bookmark,
        "asked": asked,
        "asked_levels": InterviewLevel.choices,
        "this_year": timezone.localdate().year,
    }


# --- Bookmarks page ----------------------------------------------------------------------

BOOKMARK_STATES = {"new": "New", "learning": "Learning", "known": "Known", "due": "Due now"}
BOOKMARK_SORTS = {"added": "Recently added", "due": "Due first"}


@dataclass(frozen=True)
class BookmarkFilters:
    topic: Topic | None = None
    source: Source | None = None
    difficulty: str = ""
    state: str = ""
    sort: str = "added"

    @property
    def active(self) -> bool:
        return bool(self.topic or self.source or self.difficulty or self.state)


def member_bookmarks(
    user: User, filters: BookmarkFilters = BookmarkFilters(), *, now: datetime | None = None
) -> QuerySet[Bookmark]:
    """The member's bookmarks on published questions, filtered and sorted."""
    qs = Bookmark.objects.filter(user=user, question__status=Status.PUBLISHED)
    if filters.topic:
        qs = qs.filter(question__topics=filters.topic)
    if filters.source:
        qs = qs.filter(question__source=filters.source)
    if filters.difficulty:
        qs = qs.filter(question__difficulty=filters.difficulty)
    match filters.state:
        case "new":
            qs = qs.filter(state__isnull=True)
        case "learning":
            qs = qs.filter(state__in=[Card.LEARNING, Card.RELEARNING])
        case "known":
            qs = qs.filter(state=Card.REVIEW)
        case "due":
            qs = qs.filter(Q(state__isnull=True) | Q(due__lte=utc_now(now)))
    if filters.sort == "due":
        qs = qs.order_by(F("due").asc(nulls_first=True), "-created_at", "-id")
    else:
        qs = qs.order_by("-created_at", "-id")
    return qs.select_related("question__source").prefetch_related("question__topics")


def best_answer_id() -> Subquery:
    """The best published answer of the outer query's question: the moderator's pick,
    then the top score, then the oldest."""
    ranked = Answer.objects.published().filter(question=OuterRef("question_id")).ranked()
    return Subquery(ranked.values("pk")[:1])


def attach_best_answers(bookmarks: list[Bookmark]) -> None:
    """Set ``best_answer`` (or None) on bookmarks annotated with ``best_answer_id``."""
    ids = [b.best_answer_id for b in bookmarks if b.best_answer_id]
    answers = Answer.objects.in_bulk(ids) if ids else {}
    for bookmark in bookmarks:
        bookmark.best_answer = answers.get(bookmark.best_answer_id)


# --- Practice -----------------------------------------------------------------------------


@dataclass
class PracticeSession:
    """Today's practice: what is left, what was done, and the card to show."""

    now: datetime
    due: int = 0
    new_left: int = 0
    new_total: int = 0
    learning: int = 0
    known: int = 0
    done_today: int = 0
    later_today: int = 0
    next_due: datetime | None = None
    new_ready: int = 0  # new cards practice may show (a plan's later days wait)
    capped: bool = False  # the deck options' reviews a day are done
    deck: DeckOptions | None = None
    card: Bookmark | None = None
    previews: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def left(self) -> int:
        return self.due + self.new_left

    @property
    def total(self) -> int:
        return self.new_total + self.learning + self.known


def _member_reviews(user: User) -> QuerySet[Review]:
    """The member's reviews of cards still bookmarked (a removed one's log waits)."""
    return Review.objects.filter(bookmark__user=user, bookmark__removed_at__isnull=True)


def practice_session(user: User, *, now: datetime | None = None) -> PracticeSession:
    """Counts for today and the next card: due cards first (oldest due first),
    then new ones in the deck options' order, within their daily limits."""
    now, deck = utc_now(now), DeckOptions.for_member(user)
    start, end = day_bounds(now)
    bookmarks = Bookmark.objects.filter(user=user, question__status=Status.PUBLISHED)
    first_review = Review.objects.filter(bookmark=OuterRef("pk")).order_by("reviewed_at")
    practised, ready = Q(state__isnull=False), ready_for_practice(now)
    counts = bookmarks.annotate(
        first_review=Subquery(first_review.values("reviewed_at")[:1]), is_ready=as_flag(ready)
    ).aggregate(
        new_total=Count("pk", filter=Q(state__isnull=True)),
        learning=Count("pk", filter=Q(state__in=[Card.LEARNING, Card.RELEARNING])),
        known=Count("pk", filter=Q(state=Card.REVIEW)),
        due_now=Count("pk", filter=practised & Q(due__lte=now)),
        later_today=Count("pk", filter=practised & Q(due__gt=now, due__lt=end)),
        next_due=Min("due", filter=practised & Q(due__gt=now)),
        introduced_today=Count("pk", filter=Q(first_review__gte=start)),
        new_ready=Count("pk", filter=Q(state__isnull=True, is_ready=True)),
    )
    done_today = _member_reviews(user).filter(reviewed_at__gte=start).count()
    introduced_today = counts.pop("introduced_today")
    new_left, capped = deck.left_today(now, counts["new_ready"], introduced_today, done_today)
    counts["due"] = counts.pop("due_now")  # "due" is also the field aggregated above
    session = PracticeSession(
        now=now, deck=deck, new_left=new_left, capped=capped, done_today=done_today, **counts
    )
    if capped:
        return session

    queue = Q(state__isnull=False, due__lte=now)
    if new_left:
        queue |= Q(state__isnull=True) & ready
    new_order, new_ordering = new_card_order(deck, user)
    learning_soon = Q(state__in=[Card.LEARNING, Card.RELEARNING], due__lte=now + LEARN_AHEAD)
    card = (
        bookmarks.filter(queue | learning_soon)
        .annotate(
            rank=Case(
                When(state__isnull=False, due__lte=now, then=Value(0)),
                When(state__isnull=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            best_answer_id=best_answer_id(),
            **new_order,
        )
        .order_by("rank", "due", *new_ordering, "created_at", "pk")
        .select_related("question__source")
        .prefetch_related("question__topics")
        .first()
    )
    if card is not None:
        attach_best_answers([card])
        if card.best_answer is not None:
            # After the reveal the candidate can judge the answer in one click.
            selectors.attach_verdicts([card.best_answer], user)
            card.best_answer.read_by_author = card.best_answer.author_id == user.pk
        session.card = card
        session.previews = next_intervals(card, now, deck.desired_retention)
    return session


@dataclass(frozen=True)
class TopicProgress:
    name: str
    slug: str
    new: int
    learning: int
    known: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.known

    @property
    def meter(self) -> list[tuple[str, float, float]]:
        """(class, x, width) of the known / learning / new segments of a 100-wide bar."""
        segments, x = [], 0.0
        for name in ("known", "learning", "new"):
            width = round(100 * getattr(self, name) / self.total, 2) if self.total else 0
            if width:
                segments.append((name, x, width))
            x += width
        return segments


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    height: float


@dataclass
class ReviewChart:
    """Reviews per day for the last CHART_DAYS days, laid out for an inline SVG."""

    bars: list[Bar]
    peak: int
    total: int
    width: int = 600
    height: int = 96  # the plot; labels go below it
    bar_width: float = 8.0
    label_height: int = 18

    @property
    def full_height(self) -> int:
        return self.height + self.label_height

    @property
    def first_day(self) -> date:
        return self.bars[0].day

    @property
    def last_day(self) -> date:
        return self.bars[-1].day


def topic_progress(user: User) -> list[TopicProgress]:
    """New / learning / known cards per topic (a question counts in each of its topics)."""
    rows = (
        Bookmark.objects.filter(user=user, question__status=Status.PUBLISHED)
        .values(name=F("question__topics__name"), slug=F("question__topics__slug"))
        .annotate(
            new=Count("pk", filter=Q(state__isnull=True)),
            learning=Count("pk", filter=Q(state__in=[Card.LEARNING, Card.RELEARNING])),
            known=Count("pk", filter=Q(state=Card.REVIEW)),
        )
        .order_by(F("name").asc(nulls_last=True))
    )
    return [
        TopicProgress(
            name=row["name"] or "No topic",
            slug=row["slug"] or "",
            new=row["new"],
            learning=row["learning"],
            known=row["known"],
        )
        for row in rows
    ]


def review_chart(user: User, *, now: datetime | None = None, days: int = CHART_DAYS) -> ReviewChart:
    now = utc_now(now)
    today = timezone.localtime(now).date()
    first = today - timedelta(days=days - 1)
    start, _ = day_bounds(now - timedelta(days=days - 1))
    per_day = dict(
        _member_reviews(user)
        .filter(reviewed_at__gte=start)
        .annotate(day=TruncDate("reviewed_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("day", "n")
    )
    chart = ReviewChart(bars=[], peak=max(per_day.values(), default=0), total=0)
    slot = chart.width / days
    chart.bar_width = round(slot * 0.75, 2)
    plot = chart.height - 2  # room for the baseline
    for index in range(days):
        day = first + timedelta(days=index)
        count = per_day.get(day, 0)
        height = round(plot * count / chart.peak, 2) if chart.peak else 0
        chart.bars.append(
            Bar(day=day, count=count, x=round(index * slot, 2), y=plot - height, height=height)
        )
        chart.total += count
    return chart


def practice_topics() -> QuerySet[Topic]:
    """Topics a member can start practising from, with their published question count."""
    return (
        Topic.objects.annotate(
            question_total=Count("questions", filter=Q(questions__status=Status.PUBLISHED))
        )
        .filter(question_total__gt=0)
        .order_by("name")
    )
