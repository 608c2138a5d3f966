""" "I was asked this": a member reports where a question came up in an interview."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import member_required
from questions.errors import rate_limited, refuse, service_errors
from questions.models import Question
from study import selectors, services

from .common import (
    TOOLS,
    ReportForm,
    form_errors,
)


def _asked_response(
    request: HttpRequest, question: Question, message: str, status: int
) -> HttpResponse:
    if request.htmx:
        context = {
            "question": question,
            **selectors.question_page_context(question, request.user),
            "asked_message": message,
            "asked_failed": status != 200,
        }
        return render(request, TOOLS + "#asked", context, status=status)
    if status == 409:
        messages.info(request, message)
    elif status != 200:
        return refuse(request, status, message)
    else:
        messages.success(request, message)
    return redirect(question)


def _asked_refused(request: HttpRequest, message: str, status: int, pk: int) -> HttpResponse:
    """A refusal (the rate limit: 429) inside the report box, with htmx."""
    question = get_object_or_404(Question.objects.published(), pk=pk)
    return _asked_response(request, question, message, status)


@require_POST
@member_required
@service_errors(inline=_asked_refused)
@rate_limited("report")
def question_asked(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(Question.objects.published(), pk=pk)
    form = ReportForm(request.POST)
    message, status = "", 200
    if not form.is_valid():
        message, status = form_errors(form), 400
    else:
        try:
            report = services.report_asked(
                user=request.user, question=question, **form.cleaned_data
            )
        except services.AlreadyReported as exc:
            message, status = str(exc), 409
        except services.StudyError as exc:
            message, status = str(exc), 400
        else:
            message = "Thank you! Your report helps other candidates prepare."
            if report.is_held:
                message += (
                    " It counts once a moderator has checked it, because your e-mail"
                    " address is not verified yet."
                )
    return _asked_response(request, question, message, status)
