"""What the community's action views share: the objects they act on and the
answer after a success. Refusals are answered by ``questions.errors``."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django_htmx.http import HttpResponseClientRedirect

from questions.models import Answer, Question, Status

PAGE = "questions/question_detail.html"


def done(request: HttpRequest, message: str, to) -> HttpResponse:
    """After a successful action: a message, then the page (a full load for htmx)."""
    messages.success(request, message)
    url = to if isinstance(to, str) else to.get_absolute_url()
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def published_answer(pk: int) -> Answer:
    return get_object_or_404(
        Answer.objects.select_related("question", "author"),
        pk=pk,
        status=Status.PUBLISHED,
        question__status=Status.PUBLISHED,
    )


def published_question(pk: int) -> Question:
    return get_object_or_404(Question.objects.published(), pk=pk)
