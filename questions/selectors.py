"""Reads that pages share: one function per question a page asks the database."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from . import search
from .models import (
    Answer,
    Comment,
    CommentStatus,
    Difficulty,
    InterviewReport,
    Origin,
    Proposal,
    ProposalStatus,
    Question,
    Source,
    Status,
    Topic,
    Vote,
)

SORTS = {
    "relevance": "Best match",
    "newest": "Newest",
    "top": "Top answer score",
    "community": "Unanswered by the community",
    "bookmarked": "Most bookmarked",
    "asked": "Most asked in the last 12 months",
}
ANSWER_FILTERS = {"community": "Has a community answer", "ai-only": "AI answer only"}


@dataclass(frozen=True)
class QuestionFilters:
    q: str = ""
    source: Source | None = None
    topic: Topic | None = None
    difficulty: str = ""
    answers: str = ""
    sort: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.source or self.topic or self.difficulty or self.answers)

    @property
    def effective_sort(self) -> str:
        """Search results rank by relevance unless another order is asked for."""
        if self.sort in SORTS and (self.sort != "relevance" or self.q):
            return self.sort
        return "relevance" if self.q else "newest"


def _top_answer() -> QuerySet[Answer]:
    return (
        Answer.objects.published()
        .filter(question=OuterRef("pk"))
        .order_by("-is_featured", "-score", "created_at", "id")
    )


def question_list(filters: QuestionFilters) -> QuerySet[Question]:
    """Published questions for the list page, with what each row shows."""
    qs = Question.objects.published().for_list()
    if filters.q:
        qs = search.search(qs, filters.q)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.topic:
        qs = qs.filter(topics=filters.topic)
    if filters.difficulty in Difficulty.values:
        qs = qs.filter(difficulty=filters.difficulty)
    answers = Answer.objects.published().filter(question=OuterRef("pk"))
    # Only in the filter and the sort that need it: as a column of every row,
    # PostgreSQL computes it by scanning all community answers (a hashed
    # subplan), whatever the page size.
    has_community = Exists(answers.filter(origin=Origin.COMMUNITY))
    if filters.answers == "community":
        qs = qs.filter(has_community)
    elif filters.answers == "ai-only":
        qs = qs.filter(Exists(answers.filter(origin=Origin.AI)), ~has_community)
    top = _top_answer()
    qs = qs.annotate(
        best_score=Subquery(top.values("score")[:1]),
        top_origin=Subquery(top.values("origin")[:1]),
        top_ai_model=Subquery(top.values("ai_model")[:1]),
    )
    newest = (F("created_at").desc(), F("id").desc())
    match filters.effective_sort:
        case "relevance" if search.is_postgres(qs.db):
            return qs.order_by(F("rank").desc(), *newest)
        case "top":
            return qs.order_by(F("best_score").desc(nulls_last=True), *newest)
        case "community":
            return qs.order_by(has_community.asc(), *newest)
        case "bookmarked":
            return qs.order_by("-bookmark_count", *newest)
        case "asked":
            recent = InterviewReport.objects.visible().recent().count_per_question()
            return qs.annotate(asked_recently=recent).order_by("-asked_recently", *newest)
        case _:
            return qs.order_by(*newest)


def can_view_question(user, question: Question) -> bool:
    """Published questions are public; a pending one only to its author and moderators."""
    if question.status == Status.PUBLISHED:
        return True
    if not user.is_authenticated:
        return False
    if user.is_moderator:
        return True
    return question.status == Status.PENDING and question.submitted_by_id == user.pk


def visible_comments() -> QuerySet[Comment]:
    """Comments a page lists: published ones, and deleted ones as a placeholder."""
    return Comment.objects.filter(
        status__in=[CommentStatus.PUBLISHED, CommentStatus.DELETED]
    ).select_related("author")


def question_page_answers(question: Question, user, *, comments: bool = True) -> QuerySet[Answer]:
    """Published answers ranked for the question page, with authors, comments
    (unless ``comments`` is false: see ``comment_authors``), pending proposals
    (``pending_proposals``) and the member's vote (``my_vote``: 1, -1 or 0)."""
    pending = Proposal.objects.filter(status=ProposalStatus.PENDING).select_related("author")
    if user.is_authenticated:
        mine = Vote.objects.filter(answer=OuterRef("pk"), user=user).values("value")[:1]
        my_vote = Coalesce(Subquery(mine), Value(0))
    else:
        my_vote = Value(0)
    answers = (
        question.answers.published()
        .annotate(my_vote=my_vote)
        .ranked()
        .select_related("author")
        .prefetch_related(Prefetch("proposals", queryset=pending, to_attr="pending_proposals"))
    )
    return answers.prefetch_related(answer_comments()) if comments else answers


def answer_comments() -> Prefetch:
    """The comments an answer lists, with their authors."""
    return Prefetch("comments", queryset=visible_comments())


def comment_authors(answer_ids) -> dict[int, list[int | None]]:
    """Who wrote each listed comment of these answers, in order: what the page
    needs of the comments when their HTML comes from the cache."""
    authors: dict[int, list[int | None]] = {}
    rows = (
        Comment.objects.filter(
            answer_id__in=answer_ids, status__in=[CommentStatus.PUBLISHED, CommentStatus.DELETED]
        )
        .order_by("created_at", "id")
        .values_list("answer_id", "author_id")
    )
    for answer_id, author_id in rows:
        authors.setdefault(answer_id, []).append(author_id)
    return authors


def votes_by(user, answer_ids) -> dict[int, int]:
    """The member's vote (+1 or -1) on each of these answers that they voted on."""
    if not user.is_authenticated:
        return {}
    return dict(
        Vote.objects.filter(user=user, answer_id__in=answer_ids).values_list("answer_id", "value")
    )


# Words too common in interview questions to say two questions are alike.
_COMMON_WORDS = frozenset({
    "what", "when", "where", "which", "does", "with", "that", "this",
    "from", "have", "your", "would", "there", "their", "about", "into",
    "between", "explain", "describe", "difference", "how", "why", "should", "could"
})  # fmt: skip


def similar_questions(title: str, *, limit: int = 5) -> list[Question]:
    """Published questions that look like ``title`` (for the ask form)."""
    words = [
        word
        for word in (w.strip("?.,;:!()\"'").lower() for w in title.split())
        if len(word) > 3 and word not in _COMMON_WORDS
    ][:8]
    if len(words) < 2:
        return []
    matches = search.search(Question.objects.published(), " or ".join(words))
    order = "-rank" if search.is_postgres(matches.db) else "-created_at"
    return list(matches.order_by(order)[:limit])


def related_questions(question: Question, *, limit: int = 5) -> QuerySet[Question]:
    """Other published questions that share a topic with this one."""
    topic_ids = [topic.pk for topic in question.topics.all()]
    # A semi-join rather than a join + DISTINCT, so that PostgreSQL walks the
    # (status, -bookmark_count, -created_at) index and stops after ``limit`` rows.
    sharing = Question.topics.through.objects.filter(topic_id__in=topic_ids)
    return (
        Question.objects.published()
        .filter(pk__in=sharing.values("question_id"))
        .exclude(pk=question.pk)
        .order_by("-bookmark_count", "-created_at")[:limit]
    )


def topics_with_questions() -> QuerySet[Topic]:
    return Topic.objects.filter(questions__status=Status.PUBLISHED).distinct()
