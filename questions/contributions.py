"""What a member contributed, as their public profile lists it (``accounts.views``):
published answers, questions, comments on visible pages and accepted
proposals (the member sees all of theirs). Counts are subqueries to annotate
a user queryset with, so the member and every count come in one query."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from questions.models import (
    Answer,
    Comment,
    CommentStatus,
    Proposal,
    ProposalStatus,
    Question,
    Status,
)


def _answers() -> QuerySet[Answer]:
    return Answer.objects.filter(status=Status.PUBLISHED, question__status=Status.PUBLISHED)


def _questions() -> QuerySet[Question]:
    return Question.objects.filter(status=Status.PUBLISHED)


def _comments() -> QuerySet[Comment]:
    """Published comments on a page visitors can see."""
    return Comment.objects.filter(
        Q(question__status=Status.PUBLISHED)
        | Q(answer__status=Status.PUBLISHED, answer__question__status=Status.PUBLISHED),
        status=CommentStatus.PUBLISHED,
    )


def _proposals(is_self: bool) -> QuerySet[Proposal]:
    """Accepted proposals in a visible answer; the member sees all of theirs."""
    if is_self:
        return Proposal.objects.all()
    return Proposal.objects.filter(
        status=ProposalStatus.ACCEPTED,
        answer__status=Status.PUBLISHED,
        answer__question__status=Status.PUBLISHED,
    )


def _count(queryset: QuerySet, field: str) -> Coalesce:
    """How many rows of ``queryset`` belong to the outer user, as a subquery."""
    totals = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))


def counts(is_self: bool) -> dict[str, Coalesce]:
    """``n_answers``, ``n_questions``, ``n_comments``, ``n_improvements`` of the outer user."""
    return {
        "n_answers": _count(_answers(), "author"),
        "n_questions": _count(_questions(), "submitted_by"),
        "n_comments": _count(_comments(), "author"),
        "n_improvements": _count(_proposals(is_self), "author"),
    }


def listed(tab: str, member, *, is_self: bool) -> QuerySet:
    """The rows of one profile tab (answers, questions, comments, improvements), newest first."""
    match tab:
        case "answers":
            return (
                _answers()
                .filter(author=member)
                .select_related("question")
                # The answer's question only needs its title and address.
                .only("pk", "score", "created_at", "question__title", "question__slug")
                .order_by("-score", "-created_at", "-pk")
            )
        case "questions":
            return (
                _questions()
                .filter(submitted_by=member)
                .only("pk", "title", "slug", "answer_count", "created_at")
                .order_by("-created_at", "-pk")
            )
        case "comments":
            return (
                _comments()
                .filter(author=member)
                .select_related("question", "answer__question")
                .order_by("-created_at", "-pk")
            )
    return (
        _proposals(is_self)
        .filter(author=member)
        .select_related("answer__question")
        .defer("body")
        .order_by("-created_at", "-pk")
    )
