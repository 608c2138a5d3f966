from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from questions.models import ProposalStatus, Status

from .models import User
from .reputation import with_reputation

PROFILE_ITEMS = 50


@require_GET
def user_profile(request: HttpRequest, username: str) -> HttpResponse:
    """A member's public page: reputation, answers by score, accepted proposals.

    The member sees their own proposals of every status here as well.
    """
    member = get_object_or_404(
        with_reputation(User.objects.filter(is_active=True)), username=username
    )
    answers = (
        member.answers.published()
        .filter(question__status=Status.PUBLISHED)
        .select_related("question")
        .order_by("-score", "-created_at")
    )
    proposals = member.proposals.select_related("answer__question").order_by("-created_at")
    is_self = request.user.is_authenticated and request.user.pk == member.pk
    if not is_self:
        proposals = proposals.filter(
            status=ProposalStatus.ACCEPTED,
            answer__status=Status.PUBLISHED,
            answer__question__status=Status.PUBLISHED,
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "member": member,
            "answers": answers[:PROFILE_ITEMS],
            "answer_count": answers.count(),
            "proposals": proposals[:PROFILE_ITEMS],
            "is_self": is_self,
        },
    )
