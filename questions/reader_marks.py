"""What a question page reads per request, in one query.

For a member: their votes and verdicts on the question's answers, their bookmark
of the question, their reports of being asked it, whether they follow it,
their unread notifications (the header) and whether they are a moderator.
For every reader: the interview-report counts ("Asked in 3 interviews … at
…"). Each read is a ``SELECT`` shaped to the same six columns, and the page
runs them as one ``UNION ALL``.

The rest of what the page shows comes from the cache
(``questions.views.question_page``).

Building and compiling this union with the ORM costs several times what the
database takes to answer it, so each process compiles it once per shape
(member or visitor) with stand-in values and keeps the SQL: a request only
swaps its own values for the stand-ins among the parameters
(:func:`_statement`, ``mlqa_site.prepared.kept_statement``). The querysets
below stay the one definition. On PostgreSQL the statement is prepared once
per connection: parsing and planning it cost more than running it.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Length
from django.urls import reverse

from accounts.models import MODERATORS_GROUP, User
from mlqa_site.prepared import Statement, kept_statement
from notifications.models import Notification, QuestionFollow
from questions.models import Question, Verdict, Vote
from study.models import (
    STAND_IN_NOW,
    Bookmark,
    InterviewReport,
    recent_report,
    recent_report_stand_ins,
    recent_report_values,
)
from study.scheduling import utc_now
from study.selectors import AskedSummary

COLUMNS = ("mark_kind", "mark_ref", "mark_a", "mark_b", "mark_s", "mark_t")
VOTE, VERDICT, BOOKMARK, REPORT, FOLLOW, ACCOUNT, ASKED, COMPANY = range(8)
COMPANIES_SHOWN = 5
# Stand-ins for a request's values while a statement is compiled: no real id or
# date is ever one of them.
STAND_IN_USER, STAND_IN_QUESTION = -917_000_001, -917_000_002


@dataclass(frozen=True)
class BookmarkMark:
    """The member's bookmark as the page's study tools show it."""

    pk: int
    note: bool  # whether they wrote a private note


@dataclass
class ReaderMarks:
    votes: dict[int, int] = field(default_factory=dict)  # answer id: +1 or -1
    verdicts: dict[int, tuple] = field(default_factory=dict)  # (id, value, revision, note)
    bookmark: BookmarkMark | None = None
    follows: bool = False
    unread: int = 0
    asked: AskedSummary = field(default_factory=AskedSummary)  # with the member's own


def _number(value: int) -> RawSQL:
    """A constant of the statement, written in it rather than passed as a
    parameter: the statement keeps few parameters (``mlqa_site.prepared``)."""
    return RawSQL(str(int(value)), (), output_field=IntegerField())


def _shaped(queryset: QuerySet, kind: int, ref, a=0, b=0, s="", t="") -> QuerySet:
    def column(value):
        if isinstance(value, int):
            return _number(value)
        if value == "":
            return RawSQL("''", (), output_field=CharField())
        return Value(value) if isinstance(value, str) else value

    values = dict(zip(COLUMNS, (kind, ref, a, b, s, t), strict=True))
    return (
        queryset.annotate(**{name: column(value) for name, value in values.items()})
        .order_by()
        .values_list(*COLUMNS)
    )


def _as_int(condition) -> Case:
    return Case(When(condition, then=_number(1)), default=_number(0), output_field=IntegerField())


def _asked(question: Question, now: datetime) -> list[QuerySet]:
    """The counts ``study.selectors.asked_summary`` shows, and its companies
    (all of them, by count; the page shows the first few)."""
    visible = InterviewReport.objects.visible().filter(question=question).order_by()
    totals = _shaped(
        visible.values("question"),
        ASKED,
        Count("pk"),
        a=Count("pk", filter=recent_report(now)),
        b=Max("year"),
    )
    companies = (
        visible.filter(company_ref__isnull=False)
        .values(mark_t=F("company_ref__slug"))
        .annotate(
            mark_kind=_number(COMPANY),
            mark_ref=Count("pk"),
            mark_a=_number(0),
            mark_b=_number(0),
            mark_s=Min("company_ref__name"),
        )
        .values_list(*COLUMNS)
    )
    return [totals, companies]


def _own(user: User, question: Question) -> list[QuerySet]:
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    moderators = User.groups.through.objects.filter(
        user=OuterRef("pk"), group__name=MODERATORS_GROUP
    )
    parts = [
        _shaped(
            User.objects.filter(pk=user.pk),
            ACCOUNT,
            Coalesce(Subquery(unread), 0),
            a=_as_int(Exists(moderators)),
        ),
        _shaped(
            Bookmark.objects.filter(user=user, question=question),
            BOOKMARK,
            F("pk"),
            a=Length("note"),
        ),
        _shaped(InterviewReport.objects.filter(user=user, question=question), REPORT, F("year")),
        _shaped(QuestionFollow.objects.filter(user=user, question=question), FOLLOW, F("pk")),
    ]
    # On any of the question's answers (the page shows the published ones): the
    # statement is then the same whatever the number of answers, and short.
    return [
        *parts,
        _shaped(
            Vote.objects.filter(user=user, answer__question=question),
            VOTE,
            F("answer_id"),
            a=F("value"),
        ),
        _shaped(
            Verdict.objects.filter(user=user, answer__question=question),
            VERDICT,
            F("answer_id"),
            a=F("pk"),
            b=F("revision__number"),
            s=F("value"),
            t=F("note"),
        ),
    ]


def _statement(member: bool) -> Statement | None:
    """The union for this shape (member or visitor), compiled once per process
    and database with stand-ins (``mlqa_site.prepared.kept_statement``); None
    if some stand-in did not reach the parameters (then compile per request)."""

    def build() -> QuerySet:
        user, question = User(pk=STAND_IN_USER), Question(pk=STAND_IN_QUESTION)
        parts = [*_asked(question, STAND_IN_NOW), *(_own(user, question) if member else [])]
        return parts[0].union(*parts[1:], all=True).order_by()

    stand_ins = {"question": STAND_IN_QUESTION, **recent_report_stand_ins(connection.alias)}
    if member:
        stand_ins["user"] = STAND_IN_USER
    return kept_statement(("reader-marks", connection.alias, member), build, stand_ins)


def _rows(user: User, question) -> list[tuple]:
    member = user.is_authenticated
    now = utc_now(None)
    statement = _statement(member)
    if statement is None:
        question = Question(pk=question.pk)
        parts = [*_asked(question, now), *(_own(user, question) if member else [])]
        return list(parts[0].union(*parts[1:], all=True).order_by())
    values = {"question": question.pk, **recent_report_values(now, connection.alias)}
    if member:
        values["user"] = user.pk
    # Parsing and planning the union costs more than running it: prepared once
    # per connection (mlqa_site.prepared).
    return statement.rows(values, connection.alias)


def reader_marks(user: User, question) -> ReaderMarks:
    """The reader's marks and the page's report counts, in one query; for a
    member, sets ``user.is_moderator`` from the same query. ``question``: the
    question or anything else with its ``pk``."""
    member = user.is_authenticated
    marks = ReaderMarks()
    moderator = False
    totals = (0, 0, None)
    companies, years = [], []
    for kind, ref, a, b, s, t in _rows(user, question):
        if kind == VOTE:
            marks.votes[ref] = a
        elif kind == VERDICT:
            marks.verdicts[ref] = (a, s, b, t)
        elif kind == BOOKMARK:
            marks.bookmark = BookmarkMark(ref, bool(a))
        elif kind == REPORT:
            years.append(ref)
        elif kind == FOLLOW:
            marks.follows = True
        elif kind == ACCOUNT:
            marks.unread, moderator = ref, bool(a)
        elif kind == ASKED:
            totals = (ref, a, b)
        else:
            companies.append((-ref, t, s))
    shown = sorted(companies)[:COMPANIES_SHOWN]  # most reported first, then by slug
    marks.asked = AskedSummary(
        total=totals[0],
        recent=totals[1],
        latest_year=totals[2],
        companies=[name for _, _, name in shown],
        company_pages=[(name, reverse("company_detail", args=[slug])) for _, slug, name in shown],
        mine=len(years),
        my_latest=max(years, default=None),
    )
    if member and user.is_staff and not user.is_superuser:
        user._is_moderator = moderator  # what User.is_moderator would have asked
    return marks
