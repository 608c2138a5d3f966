"""Mock interviews: writes (start, answer, grade) and the reads of their pages.

A mock interview is a timed rehearsal of a few published questions, one at a
time. Each question's clock starts on the server when the previous one is
answered (the first's when the interview starts), so time is measured from
timestamps, never from the browser; an answer after the deadline is marked
over time, not refused. At the end the member grades each question 1-4, and
each grade becomes a practice review of that question's bookmark through
``services.review`` (FSRS), bookmarking the question first if needed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet

from accounts.models import User
from questions.models import Question, Status, Topic

from . import services
from .models import Bookmark, MockInterview, MockQuestion, Review
from .models.mock import ANSWER_MAX, MAX_MINUTES, MAX_QUESTIONS, MIN_MINUTES, MIN_QUESTIONS
from .scheduling import humanize_interval, utc_now
from .services import StudyError

PAST_PER_PAGE = 20
REVIEW_DURATION_CAP_MS = 3_600_000  # the review log keeps plausible durations only


class AlreadyGraded(StudyError):
    pass


# --- Writes ------------------------------------------------------------------------------


def _topic_names(topics: list[Topic]) -> str:
    names = [topic.name for topic in topics]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _not_enough(found: int, topics: list[Topic]) -> str:
    where = f" in {_topic_names(topics)}" if topics else " on the site"
    more = ", or add topics" if topics else ""
    if found == 0:
        return f"There are no published questions{where} yet: choose other topics."
    there = f"There {'is' if found == 1 else 'are'} only {found} published question" + (
        "s" if found != 1 else ""
    )
    if found < MIN_QUESTIONS:
        return f"{there}{where}; a mock interview needs {MIN_QUESTIONS}" + (
            ": add topics." if topics else "."
        )
    return f"{there}{where}: choose at most {found} questions{more}."


@transaction.atomic
def start_mock_interview(
    *,
    user: User,
    topics: list[Topic],
    question_count: int,
    minutes: int,
    now: datetime | None = None,
) -> MockInterview:
    """Draw ``question_count`` published questions at random from the topics (none:
    every topic) and start the first one's clock."""
    if not MIN_QUESTIONS <= question_count <= MAX_QUESTIONS:
        raise StudyError(
            f"A mock interview has between {MIN_QUESTIONS} and {MAX_QUESTIONS} questions."
        )
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise StudyError(f"Allow between {MIN_MINUTES} and {MAX_MINUTES} minutes per question.")
    now = utc_now(now)
    pool = Question.objects.published()
    if topics:
        pool = pool.filter(pk__in=Question.objects.filter(topics__in=topics).values("pk"))
    chosen = list(pool.order_by("?").values_list("pk", flat=True)[:question_count])
    if len(chosen) < question_count:
        raise StudyError(_not_enough(len(chosen), topics))
    interview = MockInterview.objects.create(
        user=user, minutes_per_question=minutes, question_count=question_count, started_at=now
    )
    interview.topics.set(topics)
    per_question = timedelta(minutes=minutes)
    MockQuestion.objects.bulk_create(
        [
            MockQuestion(
                interview=interview,
                question_id=pk,
                position=position,
                started_at=now if position == 1 else None,
                deadline=now + per_question if position == 1 else None,
            )
            for position, pk in enumerate(chosen, start=1)
        ]
    )
    return interview


def _own(interview: MockInterview, user: User) -> MockInterview:
    """The interview, locked; another member's is not theirs to change."""
    if interview.user_id != user.pk:
        raise StudyError("This is not your mock interview.")
    return MockInterview.objects.select_for_update().get(pk=interview.pk)


@transaction.atomic
def answer_mock_question(
    *,
    user: User,
    interview: MockInterview,
    position: int,
    answer: str = "",
    now: datetime | None = None,
) -> MockQuestion | None:
    """Record the answer (typed, or none: it was said aloud) to the question at
    ``position`` and start the next one's clock, or finish the interview.

    Returns None when that question was answered already (a double submit, a
    second tab): nothing changes.
    """
    now = utc_now(now)
    interview = _own(interview, user)
    answer = answer.replace("\r\n", "\n").strip()
    if len(answer) > ANSWER_MAX:
        raise StudyError(f"A typed answer can be at most {ANSWER_MAX} characters long.")
    items = {item.position: item for item in interview.items.all()}
    item = items.get(position)
    if item is None:
        raise StudyError("This mock interview has no such question.")
    if item.answered_at is not None or item.started_at is None:
        return None
    item.answered_at = now
    item.answer = answer
    item.save(update_fields=["answered_at", "answer"])
    # The next position still there (a question deleted since takes its row along).
    following = next((items[p] for p in sorted(items) if p > position), None)
    if following is None:
        interview.finished_at = now
        interview.save(update_fields=["finished_at"])
    else:
        following.started_at = now
        following.deadline = now + timedelta(minutes=interview.minutes_per_question)
        following.save(update_fields=["started_at", "deadline"])
    return item


def _bookmarks_for(user: User, question_ids: list[int]) -> dict[int, Bookmark]:
    """The member's bookmarks of these questions, created or restored where needed."""
    services._lock_member(user)
    services.bookmark_questions(user=user, wanted=set(question_ids))
    return {
        b.question_id: b for b in Bookmark.objects.filter(user=user, question_id__in=question_ids)
    }


@transaction.atomic
def grade_mock_interview(
    *,
    user: User,
    interview: MockInterview,
    grades: dict[int, int],
    now: datetime | None = None,
) -> list[Review]:
    """Grade each question 1 (again) to 4 (easy), ``grades`` by position. Each grade
    is a practice review of the question's bookmark (bookmarked first if needed);
    a question no longer published keeps its grade but stays out of practice."""
    now = utc_now(now)
    interview = _own(interview, user)
    if interview.finished_at is None:
        raise StudyError("Answer every question before grading the mock interview.")
    if interview.graded_at is not None:
        raise AlreadyGraded("This mock interview is graded already; its reviews are in practice.")
    items = list(interview.items.select_related("question").order_by("position"))
    missing = [str(item.position) for item in items if grades.get(item.position) not in range(1, 5)]
    if missing:
        which = f"question {missing[0]} needs" if len(missing) == 1 else None
        which = which or f"questions {', '.join(missing)} need"
        raise StudyError(f"Grade every question from 1 (again) to 4 (easy): {which} a grade.")
    published = [item.question_id for item in items if item.question.status == Status.PUBLISHED]
    bookmarks = _bookmarks_for(user, published)
    reviews = []
    for item in items:
        item.grade = grades[item.position]
        bookmark = bookmarks.get(item.question_id)
        if bookmark is not None:
            spent = item.time_spent
            duration = int(spent.total_seconds() * 1000) if spent is not None else None
            item.review = services.review(
                user=user,
                bookmark=bookmark,
                rating=item.grade,
                now=now,
                duration_ms=duration
                if duration is not None and duration <= REVIEW_DURATION_CAP_MS
                else None,
            )
            reviews.append(item.review)
        item.save(update_fields=["grade", "review"])
    interview.graded_at = now
    interview.save(update_fields=["graded_at"])
    return reviews


# --- Reads -------------------------------------------------------------------------------


def own_interviews(user: User) -> QuerySet[MockInterview]:
    return MockInterview.objects.filter(user=user)


def past_interviews(user: User, page: str | int | None = 1) -> Page:
    """The member's mock interviews, newest first, a page at a time, with counts."""
    answered = Q(items__answered_at__isnull=False)
    interviews = (
        own_interviews(user)
        .annotate(
            answered=Count("items", filter=answered),
            over_time=Count(
                "items", filter=answered & Q(items__answered_at__gt=F("items__deadline"))
            ),
        )
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .order_by("-started_at", "-id")
    )
    return Paginator(interviews, PAST_PER_PAGE).get_page(page)


def current_question(interview: MockInterview) -> MockQuestion | None:
    """The question being answered (its clock running), or None once finished."""
    return (
        interview.items.filter(started_at__isnull=False, answered_at__isnull=True)
        .select_related("question__source")
        .prefetch_related("question__topics")
        .first()
    )


@dataclass(frozen=True)
class Summary:
    items: list[MockQuestion]
    within_time: int
    graded: bool

    @property
    def total(self) -> int:
        return len(self.items)


def summary(interview: MockInterview) -> Summary:
    """Each question with the member's typed answer, time, best answer and grade."""
    items = list(
        interview.items.select_related("question__source", "question__top_answer", "review")
        .prefetch_related("question__topics")
        .order_by("position")
    )
    for item in items:
        item.is_published = item.question.status == Status.PUBLISHED
        item.best_answer = item.question.top_answer if item.is_published else None
        if item.review is not None:
            item.back_in = humanize_interval(item.review.due_after - item.review.reviewed_at)
    return Summary(
        items=items,
        within_time=sum(1 for item in items if item.answered_at and not item.over_time),
        graded=interview.graded_at is not None,
    )


def mock_topics() -> QuerySet[Topic]:
    """Topics to choose from, with their published question count (none left out)."""
    return (
        Topic.objects.annotate(
            question_total=Count("questions", filter=Q(questions__status=Status.PUBLISHED))
        )
        .filter(question_total__gt=0)
        .order_by("name")
    )
