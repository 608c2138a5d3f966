"""Study tools: bookmarks, spaced-repetition practice, interview reports, exports.

The reading pages call the two hooks at the top (``with_study_state`` and
``question_page_context``) to show each member their own study state. Below
them, in order: the writes (keyword-only, atomic, permission checked inside),
the reads the study pages share, and the export formats.

Scheduling is the ``fsrs`` package's (FSRS, as in Anki): a bookmark carries the
card's state and every rating is kept as a Review row. Functions that depend
on the clock take ``now`` so tests (and a replay) can pass it in.
"""

import csv
import io
import itertools
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import fsrs
import genanki
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
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
from django.db.models.functions import Greatest, Lower, TruncDate
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User

from . import collection, pagecache, selectors
from .models import (
    Answer,
    Bookmark,
    Difficulty,
    InterviewLevel,
    InterviewReport,
    Origin,
    Question,
    Review,
    Source,
    Status,
    Topic,
)
from .models.study import recent_report
from .vetting import verification_text

NOTE_MAX = Bookmark._meta.get_field("note").max_length
COMPANY_MAX = InterviewReport._meta.get_field("company").max_length
FIRST_REPORT_YEAR = 1990
# FSRS with its published default parameters (90% desired retention, learning
# steps of 1 and 10 minutes). Fuzzing spreads cards learned together over
# neighbouring days; previews of the next interval are shown without it.
SCHEDULER = fsrs.Scheduler()
PREVIEW_SCHEDULER = fsrs.Scheduler(enable_fuzzing=False)
# Like Anki: when nothing else is due, a card in a learning step comes back
# up to this early, so a session does not stall on a one-minute step.
LEARN_AHEAD = timedelta(minutes=20)
CHART_DAYS = 30
RATINGS = [(rating.value, rating.name) for rating in fsrs.Rating]

Card = Bookmark.CardState


class StudyError(ValueError):
    """A request the member can fix: the message says how."""


class AlreadyReported(StudyError):
    pass


def _now(now: datetime | None) -> datetime:
    return (now or timezone.now()).astimezone(UTC)


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start and end of the member's day (the site's time zone) around ``now``."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def new_cards_per_day() -> int:
    return settings.MLQA_NEW_CARDS_PER_DAY


# --- Hooks for the reading pages -------------------------------------------------------


def with_study_state(questions: QuerySet[Question], user: User) -> QuerySet[Question]:
    """Annotate list rows: ``is_bookmarked`` for members, and ``asked_recently``."""
    if "asked_recently" not in questions.query.annotations:
        questions = questions.annotate(
            asked_recently=InterviewReport.objects.visible().recent().count_per_question()
        )
    if not user.is_authenticated:
        return questions
    mine = Bookmark.objects.filter(user=user, question=OuterRef("pk"))
    return questions.annotate(is_bookmarked=Exists(mine))


@dataclass(frozen=True)
class AskedSummary:
    """What the question page says about interview reports. Reporters stay private."""

    total: int = 0
    recent: int = 0
    latest_year: int | None = None
    companies: list[str] = field(default_factory=list)
    mine: int = 0  # the member's own reports, hidden ones included
    my_latest: int | None = None


def asked_summary(question: Question, user: User, *, now: datetime | None = None) -> AskedSummary:
    """Counts in one query (plus one for company names when there are reports)."""
    visible = Q(is_hidden=False)
    mine = Q(user=user) if user.is_authenticated else Q(pk__in=[])
    totals = InterviewReport.objects.filter(question=question).aggregate(
        total=Count("pk", filter=visible),
        recent=Count("pk", filter=visible & recent_report(_now(now))),
        latest_year=Max("year", filter=visible),
        mine=Count("pk", filter=mine),
        my_latest=Max("year", filter=mine),
    )
    companies = []
    if totals["total"]:
        companies = [
            row["name"]
            for row in InterviewReport.objects.visible()
            .filter(question=question)
            .exclude(company="")
            .values(key=Lower("company"))
            .annotate(n=Count("pk"), name=Min("company"))
            .order_by("-n", "key")[:5]
        ]
    return AskedSummary(companies=companies, **totals)


def question_page_context(question: Question, user: User) -> dict:
    """Extra context for the question page: the member's bookmark, reports."""
    bookmark = None
    if user.is_authenticated:
        bookmark = Bookmark.objects.filter(user=user, question=question).first()
    return {
        "study_bookmark": bookmark,
        "asked": asked_summary(question, user),
        "asked_levels": InterviewLevel.choices,
        "this_year": timezone.localdate().year,
    }


# --- Writes ---------------------------------------------------------------------------


def _lock_member(user: User) -> None:
    """Serialise one member's bookmark writes, so counters move exactly once."""
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


@transaction.atomic
def toggle_bookmark(
    *, user: User, question: Question, now: datetime | None = None
) -> Bookmark | None:
    """Bookmark the question, or remove the bookmark; returns the new bookmark or None.

    Removing keeps the note and the practice history, out of sight: bookmarking
    the question again brings them back. Only a published question can be
    bookmarked; a bookmark on a question hidden since can still be removed.
    ``question.bookmark_count`` is refreshed.
    """
    _lock_member(user)
    existing = Bookmark.all_objects.filter(user=user, question=question).first()
    if existing is not None and existing.removed_at is None:
        existing.removed_at = _now(now)
        existing.save(update_fields=["removed_at"])
        Question.objects.filter(pk=question.pk).update(
            bookmark_count=Greatest(F("bookmark_count") - 1, 0)
        )
        result = None
    else:
        if question.status != Status.PUBLISHED:
            raise PermissionDenied("Only published questions can be bookmarked.")
        if existing is not None:
            existing.removed_at = None
            existing.save(update_fields=["removed_at"])
            result = existing
        else:
            result = Bookmark.objects.create(user=user, question=question)
        Question.objects.filter(pk=question.pk).update(bookmark_count=F("bookmark_count") + 1)
    question.refresh_from_db(fields=["bookmark_count"])
    pagecache.question_changed(question.pk)
    return result


def removed_bookmark(*, user: User, question: Question) -> Bookmark | None:
    """The member's removed bookmark of the question (its note waits there), if any."""
    return Bookmark.all_objects.filter(
        user=user, question=question, removed_at__isnull=False
    ).first()


@transaction.atomic
def bookmark_topic(*, user: User, topic: Topic) -> int:
    """Bookmark every published question of a topic; returns how many were new.

    Questions the member had bookmarked and removed come back with their note
    and practice history.
    """
    _lock_member(user)
    wanted = set(Question.objects.published().filter(topics=topic).values_list("pk", flat=True))
    rows = dict(
        Bookmark.all_objects.filter(user=user, question_id__in=wanted).values_list(
            "question_id", "removed_at"
        )
    )
    added = sorted(pk for pk in wanted if pk not in rows or rows[pk] is not None)
    restored = [pk for pk in added if pk in rows]
    Bookmark.all_objects.filter(user=user, question_id__in=restored).update(removed_at=None)
    Bookmark.objects.bulk_create(
        [Bookmark(user=user, question_id=pk) for pk in added if pk not in rows]
    )
    Question.objects.filter(pk__in=added).update(bookmark_count=F("bookmark_count") + 1)
    pagecache.question_changed(*added)
    return len(added)


def save_note(*, user: User, bookmark: Bookmark, note: str) -> Bookmark:
    """Store the member's private note and its rendered HTML."""
    if bookmark.user_id != user.pk:
        raise PermissionDenied("This is not your bookmark.")
    note = note.replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX:
        raise StudyError(f"A note can be at most {NOTE_MAX} characters long.")
    bookmark.note = note
    bookmark.render()
    bookmark.save(update_fields=["note", "note_html"])
    return bookmark


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


@transaction.atomic
def review(
    *,
    user: User,
    bookmark: Bookmark,
    rating: int,
    now: datetime | None = None,
    duration_ms: int | None = None,
    seen: str | None = None,
) -> Review | None:
    """Rate a practice card 1 (again) to 4 (easy) and schedule it with FSRS.

    Stores the new card state on the bookmark and a Review row. ``seen`` is the
    ``card_token`` the form was shown with: when the card was rated since (a
    double submit, a second tab), nothing changes and None is returned.
    """
    if rating not in fsrs.Rating._value2member_map_:
        raise StudyError("A rating is 1 (again), 2 (hard), 3 (good) or 4 (easy).")
    now = _now(now)
    bookmark = Bookmark.objects.select_for_update().get(pk=bookmark.pk)
    if bookmark.user_id != user.pk:
        raise PermissionDenied("This is not your bookmark.")
    if seen is not None and seen != card_token(bookmark):
        return None
    card, _log = SCHEDULER.review_card(
        to_fsrs_card(bookmark, now),
        fsrs.Rating(rating),
        review_datetime=now,
        review_duration=duration_ms,
    )
    bookmark.state = int(card.state)
    bookmark.step = card.step
    bookmark.stability = card.stability
    bookmark.difficulty = card.difficulty
    bookmark.due = card.due
    bookmark.last_review = card.last_review
    bookmark.last_rating = rating
    bookmark.save(
        update_fields=[
            "state",
            "step",
            "stability",
            "difficulty",
            "due",
            "last_review",
            "last_rating",
        ]
    )
    return Review.objects.create(
        bookmark=bookmark,
        rating=rating,
        reviewed_at=now,
        due_after=card.due,
        duration_ms=duration_ms,
    )


@transaction.atomic
def report_asked(
    *,
    user: User,
    question: Question,
    year: int | None = None,
    company: str = "",
    level: str = "",
    now: datetime | None = None,
) -> InterviewReport:
    """Record that the member was asked this question in an interview.

    One report per member, question and year (the year defaults to this one);
    a repeat raises AlreadyReported.
    """
    if question.status != Status.PUBLISHED:
        raise PermissionDenied("Only published questions can be reported.")
    this_year = timezone.localtime(_now(now)).year
    year = year or this_year
    if not FIRST_REPORT_YEAR <= year <= this_year:
        raise StudyError(
            f"The year of the interview is between {FIRST_REPORT_YEAR} and {this_year}."
        )
    company = " ".join(company.split())
    if len(company) > COMPANY_MAX:
        raise StudyError(f"A company name is at most {COMPANY_MAX} characters long.")
    if level and level not in InterviewLevel.values:
        raise StudyError("Choose a level from the list, or leave it empty.")
    if InterviewReport.objects.filter(user=user, question=question, year=year).exists():
        raise AlreadyReported(f"You already reported this question for {year}. Thank you!")
    try:
        with transaction.atomic():
            report = InterviewReport.objects.create(
                user=user, question=question, year=year, company=company, level=level
            )
    except IntegrityError as exc:  # the same report, sent twice at once
        raise AlreadyReported(f"You already reported this question for {year}. Thank you!") from exc
    pagecache.question_changed(question.pk)
    return report


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

    @classmethod
    def from_params(cls, params) -> "BookmarkFilters":
        """Filters from a query string; unknown values are ignored, never an error."""
        topic = source = None
        if slug := params.get("topic", ""):
            topic = Topic.objects.filter(slug=slug).first()
        if slug := params.get("source", ""):
            source = Source.objects.filter(slug=slug).first()
        difficulty = params.get("difficulty", "")
        state = params.get("state", "")
        sort = params.get("sort", "")
        return cls(
            topic=topic,
            source=source,
            difficulty=difficulty if difficulty in Difficulty.values else "",
            state=state if state in BOOKMARK_STATES else "",
            sort=sort if sort in BOOKMARK_SORTS else "added",
        )

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
            qs = qs.filter(Q(state__isnull=True) | Q(due__lte=_now(now)))
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
    card: Bookmark | None = None
    previews: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def left(self) -> int:
        return self.due + self.new_left

    @property
    def total(self) -> int:
        return self.new_total + self.learning + self.known


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


def next_intervals(bookmark: Bookmark, now: datetime) -> list[tuple[int, str, str]]:
    """(rating, label, when the card would come back) for each of the four ratings."""
    card = to_fsrs_card(bookmark, now)
    out = []
    for rating in fsrs.Rating:
        after, _ = PREVIEW_SCHEDULER.review_card(card, rating, review_datetime=now)
        out.append((rating.value, rating.name, humanize_interval(after.due - now)))
    return out


def _member_reviews(user: User) -> QuerySet[Review]:
    """The member's reviews of cards still bookmarked (a removed one's log waits)."""
    return Review.objects.filter(bookmark__user=user, bookmark__removed_at__isnull=True)


def practice_session(user: User, *, now: datetime | None = None) -> PracticeSession:
    """Counts for today and the next card: due cards first (oldest due first),
    then new ones (first bookmarked first, up to the daily limit of new cards)."""
    now = _now(now)
    start, end = _day_bounds(now)
    bookmarks = Bookmark.objects.filter(user=user, question__status=Status.PUBLISHED)
    first_review = Review.objects.filter(bookmark=OuterRef("pk")).order_by("reviewed_at")
    practised = Q(state__isnull=False)
    counts = bookmarks.annotate(
        first_review=Subquery(first_review.values("reviewed_at")[:1])
    ).aggregate(
        new_total=Count("pk", filter=Q(state__isnull=True)),
        learning=Count("pk", filter=Q(state__in=[Card.LEARNING, Card.RELEARNING])),
        known=Count("pk", filter=Q(state=Card.REVIEW)),
        due_now=Count("pk", filter=practised & Q(due__lte=now)),
        later_today=Count("pk", filter=practised & Q(due__gt=now, due__lt=end)),
        next_due=Min("due", filter=practised & Q(due__gt=now)),
        introduced_today=Count("pk", filter=Q(first_review__gte=start)),
    )
    done_today = _member_reviews(user).filter(reviewed_at__gte=start).count()
    introduced_today = counts.pop("introduced_today")
    new_left = min(counts["new_total"], max(0, new_cards_per_day() - introduced_today))
    counts["due"] = counts.pop("due_now")  # "due" is also the field aggregated above
    session = PracticeSession(now=now, new_left=new_left, done_today=done_today, **counts)

    queue = Q(state__isnull=False, due__lte=now)
    if new_left:
        queue |= Q(state__isnull=True)
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
        )
        .order_by("rank", "due", "created_at", "pk")
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
        session.previews = next_intervals(card, now)
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
    now = _now(now)
    today = timezone.localtime(now).date()
    first = today - timedelta(days=days - 1)
    start, _ = _day_bounds(now - timedelta(days=days - 1))
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


# --- Exports ----------------------------------------------------------------------------

# Stable ids, so that importing a newer export into Anki updates the notes it
# already has (matched by GUID) instead of adding duplicates. Never change them.
ANKI_DECK_ID = 1_742_913_604
ANKI_MODEL_ID = 1_585_220_771
ANKI_CSS = """
.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.5;
        text-align: left; max-width: 46em; margin: 0 auto; }
.badge { display: inline-block; font-size: 13px; font-weight: 600; padding: 1px 8px;
         border-radius: 999px; background: #e1f5e9; color: #0b6b3a; }
.badge.ai { background: #fff1de; color: #7a3e00; }
.note { border-left: 4px solid #1f5fbf; padding: 0 12px; margin-top: 16px; }
.source { color: #5a6370; font-size: 14px; margin-top: 16px; }
pre { overflow-x: auto; background: #f1f3f6; padding: 8px; }
"""
ANKI_MODEL = genanki.Model(
    ANKI_MODEL_ID,
    "MLQA interview question",
    fields=[
        {"name": "Question"},
        {"name": "Answer"},
        {"name": "Note"},
        {"name": "Source"},
    ],
    templates=[
        {
            "name": "Question → answer",
            "qfmt": "{{Question}}",
            "afmt": (
                '{{FrontSide}}<hr id="answer">{{Answer}}'
                '{{#Note}}<div class="note"><strong>My note</strong>{{Note}}</div>{{/Note}}'
                '<div class="source">{{Source}}</div>'
            ),
        }
    ],
    css=ANKI_CSS,
)


def anki_guid(question_id: int) -> str:
    """The note GUID for a question: the same on every export."""
    return genanki.guid_for("mlqa-question", question_id)


def export_bookmarks(user: User, filters: BookmarkFilters = BookmarkFilters()) -> list[Bookmark]:
    """The member's bookmarks as the exports need them (``best_answer`` attached)."""
    bookmarks = list(member_bookmarks(user, filters).annotate(best_answer_id=best_answer_id()))
    attach_best_answers(bookmarks)
    return bookmarks


def answer_label(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.origin == Origin.AI:
        return f"AI-generated · {answer.ai_model}"
    return "Imported" if answer.origin == Origin.IMPORTED else "Community answer"


def _anki_fields(bookmark: Bookmark, base_url: str) -> list[str]:
    question = bookmark.question
    front = f"<h2>{escape(question.title)}</h2>{question.body_html}"
    answer = bookmark.best_answer
    if answer is None:
        back = "<p><em>No answer yet.</em></p>"
    else:
        css = "badge ai" if answer.origin == Origin.AI else "badge"
        back = (
            f'<p><span class="{css}">{escape(answer_label(answer))}</span> '
            f'<span class="state">{escape(verification_text(answer))}</span></p>'
            f"{answer.body_html}"
        )
    source = ""
    if question.source:
        source = escape(question.source.name)
        if question.source_reference:
            source += f", {escape(question.source_reference)}"
        source += " · "
    link = base_url.rstrip("/") + question.get_absolute_url()
    source += f'<a href="{escape(link)}">MLQA</a>'
    return [front, back, bookmark.note_html, source]


def _anki_tags(bookmark: Bookmark) -> list[str]:
    question = bookmark.question
    tags = ["mlqa", f"difficulty::{question.difficulty}"]
    tags += [f"topic::{topic.slug}" for topic in question.topics.all()]
    return tags


def build_apkg(bookmarks: list[Bookmark], *, base_url: str, now: datetime | None = None) -> bytes:
    """An Anki package (.apkg: a zip holding a SQLite collection) of the bookmarks."""
    now = _now(now)
    deck = genanki.Deck(ANKI_DECK_ID, "MLQA bookmarks", description="Exported from MLQA.")
    for bookmark in bookmarks:
        deck.add_note(
            genanki.Note(
                model=ANKI_MODEL,
                fields=_anki_fields(bookmark, base_url),
                sort_field=bookmark.question.title,
                tags=_anki_tags(bookmark),
                guid=anki_guid(bookmark.question_id),
            )
        )
    deck.add_model(ANKI_MODEL)
    timestamp = now.timestamp()
    # genanki's own write_to_file leaves its temporary database behind; this
    # writes the same collection into a directory that is always cleaned up.
    with tempfile.TemporaryDirectory(prefix="mlqa-apkg-") as folder:
        path = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(path)
        try:
            genanki.Package(deck).write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            package.write(path, "collection.anki2")
            package.writestr("media", "{}")
    return buffer.getvalue()


CSV_COLUMNS = [
    "question",
    "url",
    "source",
    "source_reference",
    "topics",
    "difficulty",
    "answer",
    "answer_origin",
    "answer_verification",
    "note",
    "bookmarked_at",
    "practice_state",
    "due",
]
# A part of a cell that a spreadsheet may run as a formula: one starting (after
# spaces) with = + - @ or a tab, at the start of the cell or after a comma, a
# semicolon or a line break, where a spreadsheet splitting the file otherwise
# than on commas (or a cell pasted elsewhere) starts a new cell.
_FORMULA_PART = re.compile(r"(^|[,;\n])( *)(?=[=+\-@\t])")


def _csv_cell(value) -> str:
    """Text no spreadsheet runs as a formula: each risky part gets a leading '."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _FORMULA_PART.sub(r"\1\2'", text)


def build_csv(bookmarks: list[Bookmark], *, base_url: str) -> str:
    out = io.StringIO()
    # Every cell quoted: a separator or a line break inside one stays inside it.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for bookmark in bookmarks:
        question = bookmark.question
        answer = bookmark.best_answer
        row = [
            question.title,
            base_url.rstrip("/") + question.get_absolute_url(),
            question.source.name if question.source else "",
            question.source_reference,
            ", ".join(topic.name for topic in question.topics.all()),
            question.difficulty,
            answer.body if answer else "",
            (answer.ai_model if answer.origin == Origin.AI else answer.origin) if answer else "",
            verification_text(answer),
            bookmark.note,
            bookmark.created_at.astimezone(UTC).isoformat(timespec="seconds"),
            bookmark.practice_label.lower(),
            bookmark.due.astimezone(UTC).isoformat(timespec="seconds") if bookmark.due else "",
        ]
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


_BACKTICK_RUN = re.compile(r"`+")


def build_markdown(bookmarks: list[Bookmark], *, now: datetime | None = None) -> str:
    """The bookmarks in the collection's format, then the member's notes.

    The questions, best answers and source list are written by the collection
    writer (``collection.render_document``, as ``export_markdown`` does), so
    ``collection.parse_document`` reads the file back into exactly these
    questions. Community answers get their own "Community" table. Each note
    goes in a fenced block under a heading: the parser passes over both, so a
    note's own block quotes, lists or tables are never read as questions.
    """
    now = _now(now)
    count = len(bookmarks)
    layout = collection.render_document(
        [_export_item(bookmark) for bookmark in bookmarks],
        title=(
            f"My MLQA bookmarks ({count} question{'s' if count != 1 else ''}, "
            f"exported on {timezone.localtime(now):%Y-%m-%d})"
        ),
    )
    lines = [layout.text]
    noted = [bookmark for bookmark in bookmarks if bookmark.note.strip()]
    if noted:
        lines += ["### My notes", ""]
        for bookmark in noted:
            note = bookmark.note.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
            fence = "`" * max([3, *(len(run) + 1 for run in _BACKTICK_RUN.findall(note))])
            title = collection.plain_text(" ".join(bookmark.question.title.split()))
            lines += [f"#### {title}", "", f"{fence}markdown", note, fence, ""]
    return "\n".join(lines)


def _export_item(bookmark: Bookmark) -> collection.ExportItem:
    """A bookmark as the collection writer takes it: question, best answer, source."""
    question = bookmark.question
    text = collection.question_text(question.title, question.body)
    if question.body and not collection.body_continues_title(question.title, question.body):
        text += "\n\n" + collection.trim_blank_lines(question.body.replace("\r\n", "\n"))
    answer = bookmark.best_answer
    source = question.source
    return collection.ExportItem(
        question=text,
        answer=collection.trim_blank_lines(answer.body.replace("\r\n", "\n")) if answer else "",
        ai_model=(answer.ai_model if answer.origin == Origin.AI else "Community") if answer else "",
        source=collection.ExportSource(source.name, source.url) if source else None,
        verification=verification_text(answer),
    )
