"""Reads that pages share: one function per question a page asks the database."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery

from . import search
from .models import (
    Answer,
    Comment,
    CommentStatus,
    Difficulty,
    Origin,
    Question,
    Source,
    Status,
    Topic,
)

SORTS = {
    "relevance": "Best match",
    "newest": "Newest",
    "top": "Top answer score",
    "community": "Unanswered by the community",
    "bookmarked": "Most bookmarked",
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
    qs = qs.annotate(has_community=Exists(answers.filter(origin=Origin.COMMUNITY)))
    if filters.answers == "community":
        qs = qs.filter(has_community=True)
    elif filters.answers == "ai-only":
        qs = qs.filter(Exists(answers.filter(origin=Origin.AI)), has_community=False)
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
            return qs.order_by("has_community", *newest)
        case "bookmarked":
            return qs.order_by("-bookmark_count", *newest)
        case _:
            return qs.order_by(*newest)


def published_comments() -> QuerySet[Comment]:
    return Comment.objects.filter(status=CommentStatus.PUBLISHED).select_related("author")


def question_page_answers(question: Question) -> QuerySet[Answer]:
    """Published answers ranked for the question page, with authors and comments."""
    return (
        question.answers.published()
        .ranked()
        .select_related("author")
        .prefetch_related(Prefetch("comments", queryset=published_comments()))
    )


def related_questions(question: Question, *, limit: int = 5) -> QuerySet[Question]:
    """Other published questions that share a topic with this one."""
    topic_ids = [topic.pk for topic in question.topics.all()]
    return (
        Question.objects.published()
        .filter(topics__in=topic_ids)
        .exclude(pk=question.pk)
        .distinct()
        .order_by("-bookmark_count", "-created_at")[:limit]
    )


def topics_with_questions() -> QuerySet[Topic]:
    return Topic.objects.filter(questions__status=Status.PUBLISHED).distinct()
