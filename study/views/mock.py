"""Mock interviews: choose and start one, answer its questions one at a time
against the clock, then grade them into practice.

Every page is the member's own: another member's mock interview is a 404.
Each action is a plain form post that redirects back to the interview's page
(which shows the question being answered, or the summary once finished), and
with htmx a swap of that page's ``stage`` partial. Only the countdown needs
JavaScript; time itself is measured on the server.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import member_required
from questions.errors import refuse
from questions.models import Topic
from study import mock
from study.models import MockInterview, Review

from .common import form_errors

HOME_PAGE = "study/mock/home.html"
INTERVIEW_PAGE = "study/mock/interview.html"
QUESTIONS_RANGE = f"Choose between {mock.MIN_QUESTIONS} and {mock.MAX_QUESTIONS} questions."
MINUTES_RANGE = f"Allow between {mock.MIN_MINUTES} and {mock.MAX_MINUTES} minutes per question."


def _bounded(message: str) -> dict[str, str]:
    return dict.fromkeys(("required", "invalid", "min_value", "max_value"), message)


class StartForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={
            "invalid_choice": "There is no topic “%(value)s”: choose topics from the list.",
            "invalid_pk_value": "There is no topic “%(pk)s”: choose topics from the list.",
        },
    )
    questions = forms.IntegerField(
        min_value=mock.MIN_QUESTIONS,
        max_value=mock.MAX_QUESTIONS,
        error_messages=_bounded(QUESTIONS_RANGE),
    )
    minutes = forms.IntegerField(
        min_value=mock.MIN_MINUTES,
        max_value=mock.MAX_MINUTES,
        error_messages=_bounded(MINUTES_RANGE),
    )


class AnswerForm(forms.Form):
    position = forms.IntegerField(
        min_value=1, error_messages=_bounded("This form names no question: reload the page.")
    )
    answer = forms.CharField(
        required=False,
        max_length=mock.ANSWER_MAX,
        error_messages={
            "max_length": f"A typed answer can be at most {mock.ANSWER_MAX} characters long."
        },
    )


def _own_interview(request: HttpRequest, pk: int) -> MockInterview:
    return get_object_or_404(mock.own_interviews(request.user), pk=pk)


def _home(
    request: HttpRequest, form: StartForm, status: int = 200, error: str = ""
) -> HttpResponse:
    past = mock.past_interviews(request.user, request.GET.get("page"))
    chosen = form["topics"].value() or [] if form.is_bound else []
    context = {
        "form": form,
        "error": error,
        "past": past,
        "in_progress": next((i for i in past if not i.is_finished), None),
        "topics": mock.mock_topics(),
        "chosen": set(chosen),
        "questions": form["questions"].value() or 5,
        "minutes": form["minutes"].value() or 3,
        "limits": mock,
    }
    return render(request, HOME_PAGE, context, status=status)


@require_GET
@member_required
@never_cache
def mock_home(request: HttpRequest) -> HttpResponse:
    return _home(request, StartForm())


@require_POST
@member_required
def mock_start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST)
    if not form.is_valid():
        return _home(request, form, status=400, error=form_errors(form))
    data = form.cleaned_data
    try:
        interview = mock.start_mock_interview(
            user=request.user,
            topics=list(data["topics"]),
            question_count=data["questions"],
            minutes=data["minutes"],
        )
    except mock.StudyError as exc:
        return _home(request, form, status=400, error=str(exc))
    return redirect(interview)


def _interview_context(interview: MockInterview, **extra) -> dict:
    context = {
        "interview": interview,
        "now": timezone.now(),
        "ratings": Review.Rating.choices,
        "answer_max": mock.ANSWER_MAX,
        **extra,
    }
    if interview.is_finished:
        context["summary"] = mock.summary(interview)
    else:
        context["item"] = mock.current_question(interview)
    return context


def _interview_response(
    request: HttpRequest, interview: MockInterview, status: int = 200, **extra
) -> HttpResponse:
    template = INTERVIEW_PAGE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#stage"
    return render(request, template, _interview_context(interview, **extra), status=status)


def _done(
    request: HttpRequest, interview: MockInterview, flash: str, error: bool = False
) -> HttpResponse:
    """After an action: the stage again (htmx), or back to the interview's page."""
    if error:
        if request.htmx:
            return _interview_response(request, interview, 400, flash=flash, flash_error=True)
        return refuse(request, 400, flash)
    if request.htmx:
        interview.refresh_from_db()
        return _interview_response(request, interview, flash=flash)
    if flash:
        messages.success(request, flash)
    return redirect(interview)


@require_GET
@member_required
@never_cache
@vary_on_headers("HX-Request")
def mock_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _interview_response(request, _own_interview(request, pk))


@require_POST
@member_required
def mock_answer(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _own_interview(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _done(request, interview, form_errors(form), error=True)
    try:
        item = mock.answer_mock_question(
            user=request.user,
            interview=interview,
            position=form.cleaned_data["position"],
            answer=form.cleaned_data["answer"],
        )
    except mock.StudyError as exc:
        return _done(request, interview, str(exc), error=True)
    if item is None:
        flash = "That question was answered already; here is where you are."
    elif item.over_time:
        flash = f"Question {item.position} answered after its time: marked over time."
    else:
        flash = ""
    return _done(request, interview, flash)


def _grades(request: HttpRequest, interview: MockInterview) -> dict[int, int]:
    grades = {}
    for position in range(1, interview.question_count + 1):
        value = request.POST.get(f"grade-{position}", "")
        if value.isdigit():
            grades[position] = int(value)
    return grades


@require_POST
@member_required
def mock_grade(request: HttpRequest, pk: int) -> HttpResponse:
    interview = _own_interview(request, pk)
    try:
        reviews = mock.grade_mock_interview(
            user=request.user, interview=interview, grades=_grades(request, interview)
        )
    except mock.AlreadyGraded as exc:
        return _done(request, interview, str(exc))
    except mock.StudyError as exc:
        return _done(request, interview, str(exc), error=True)
    count = len(reviews)
    flash = f"Graded: {count} review{'s' if count != 1 else ''} added to your practice."
    return _done(request, interview, flash)
