from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from questions.models import Status

from .models import User


@require_GET
def user_profile(request: HttpRequest, username: str) -> HttpResponse:
    member = get_object_or_404(User, username=username, is_active=True)
    answers = (
        member.answers.published()
        .filter(question__status=Status.PUBLISHED)
        .select_related("question")
        .order_by("-score", "-created_at")[:50]
    )
    return render(request, "accounts/profile.html", {"member": member, "answers": answers})
