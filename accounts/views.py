from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from questions.models import (
    Answer,
    Comment,
    CommentStatus,
    Proposal,
    ProposalStatus,
    Question,
    Status,
)

from .adapters import SUSPENDED_SESSION_KEY
from .models import User
from .reputation import with_reputation

PROFILE_PAGE_SIZE = 20


@dataclass(frozen=True)
class Tab:
    slug: str
    label: str
    empty: str


TABS = (
    Tab("answers", "Answers", "not answered a question yet."),
    Tab("questions", "Questions", "not asked a question yet."),
    Tab("comments", "Comments", "not commented yet."),
    Tab("improvements", "Improvements", "no accepted improvement yet."),
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


@require_GET
def user_profile(request: HttpRequest, username: str) -> HttpResponse:
    """A member's public page: reputation, then their answers, questions,
    comments and accepted proposals, one tab each (``?tab=``), paginated.

    Only what visitors can see elsewhere is listed; the member sees their own
    proposals of every status in the last tab. The member, their reputation
    and every tab's count come in one query; the shown tab in one more.
    """
    is_self = request.user.is_authenticated and request.user.username == username
    member = get_object_or_404(
        with_reputation(User.objects.filter(is_active=True)).annotate(
            n_answers=_count(_answers(), "author"),
            n_questions=_count(_questions(), "submitted_by"),
            n_comments=_count(_comments(), "author"),
            n_improvements=_count(_proposals(is_self), "author"),
        ),
        username=username,
    )
    slugs = [tab.slug for tab in TABS]
    current = request.GET.get("tab", "")
    tab = TABS[slugs.index(current)] if current in slugs else TABS[0]
    match tab.slug:
        case "answers":
            items = (
                _answers()
                .filter(author=member)
                .select_related("question")
                # The answer's question only needs its title and address.
                .only("pk", "score", "created_at", "question__title", "question__slug")
                .order_by("-score", "-created_at", "-pk")
            )
        case "questions":
            items = (
                _questions()
                .filter(submitted_by=member)
                .only("pk", "title", "slug", "answer_count", "created_at")
                .order_by("-created_at", "-pk")
            )
        case "comments":
            items = (
                _comments()
                .filter(author=member)
                .select_related("question", "answer__question")
                .order_by("-created_at", "-pk")
            )
        case _:
            items = (
                _proposals(is_self)
                .filter(author=member)
                .select_related("answer__question")
                .defer("body")
                .order_by("-created_at", "-pk")
            )
    counts = {tab.slug: getattr(member, f"n_{tab.slug}") for tab in TABS}
    paginator = Paginator(items, PROFILE_PAGE_SIZE)
    paginator.count = counts[tab.slug]  # known already: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "tabs": [(t, counts[t.slug]) for t in TABS],
            "tab": tab,
            "page": page,
            "answer_count": member.n_answers,
            "is_self": is_self,
        },
    )


@require_GET
def account_inactive(request: HttpRequest) -> HttpResponse:
    """Where allauth sends a log-in to an inactive account. A suspended member
    (``AccountAdapter.respond_user_inactive``) reads why and until when."""
    member = None
    if pk := request.session.get(SUSPENDED_SESSION_KEY):
        member = User.objects.filter(pk=pk, is_active=False, suspended_until__isnull=False).first()
    return render(request, "account/account_inactive.html", {"suspended": member})
