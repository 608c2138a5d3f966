"""Reads that pages share: one function per question a page asks the database."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from .models import Answer, Comment, CommentStatus, Difficulty, Question, Source, Status, Topic

SORTS = {
    "newest": ("-created_at", "-id"),
    "bookmarked": ("-bookmark_count", "-created_at", "-id"),
    "answers": ("-answer_count", "-created_at", "-id"),
}


@dataclass(frozen=True)
class QuestionFilters:
    q: str = ""
    source: Source | None = None
    topic: Topic | None = None
    difficulty: str = ""
    sort: str = "newest"

    @property
    def active(self) -> bool:
        return bool(self.q or self.source or self.topic or self.difficulty)


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
        words = filters.q.split()
        for word in words[:10]:
            qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word))
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.topic:
        qs = qs.filter(topics=filters.topic)
    if filters.difficulty in Difficulty.values:
        qs = qs.filter(difficulty=filters.difficulty)
    top = _top_answer()
    return qs.annotate(
        best_score=Subquery(top.values("score")[:1]),
        top_origin=Subquery(top.values("origin")[:1]),
        top_ai_model=Subquery(top.values("ai_model")[:1]),
    ).order_by(*SORTS.get(filters.sort, SORTS["newest"]))


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
