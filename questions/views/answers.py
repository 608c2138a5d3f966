"""Votes and answers: cast a vote, write, preview, edit, roll back or delete an answer.

Every action is a plain form post that redirects back to the page, and with
htmx a swap of a named partial of the page's own template. Writes go through
questions.services, which also checks permissions; ``questions.errors``
answers their refusals.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import member_required
from questions import permissions, selectors, services
from questions.errors import over_limit, rate_limited, service_errors
from questions.forms import ANSWER_MAX, AnswerEditForm, AnswerForm
from questions.markdown import render_markdown
from questions.models import Answer
from questions.views.actions import PAGE, done, published_answer, published_question
from questions.views.question_page import ANSWER_TEMPLATE, render_question_page

VOTE_CHOICES = ("up", "down", "clear")


# --- Votes ---------------------------------------------------------------------------


def _vote_box(request: HttpRequest, answer: Answer, *, error: str = "", status: int = 200):
    context = {
        "answer": answer,
        "my_vote": selectors.votes_by(request.user, [answer.pk]).get(answer.pk, 0),
        "own": answer.author_id == request.user.pk,
        "member": True,
        "vote_error": error,
    }
    return render(request, ANSWER_TEMPLATE + "#vote-box", context, status=status)


def _vote_refused(request: HttpRequest, message: str, status: int, pk: int) -> HttpResponse:
    """With htmx a refused vote is said inside the vote box, the buttons kept."""
    return _vote_box(request, published_answer(pk), error=message, status=status)


@require_POST
@service_errors(inline=_vote_refused)
@member_required
@rate_limited("vote")
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    answer = published_answer(pk)
    choice = request.POST.get("value", "")
    if choice not in VOTE_CHOICES:
        raise ValidationError("A vote is up, down or clear.")
    answer = services.cast_vote(user=request.user, answer=answer, choice=choice)
    return _vote_box(request, answer) if request.htmx else redirect(answer)


# --- Answers -------------------------------------------------------------------------


@require_POST
@service_errors
@member_required
def answer_create(request: HttpRequest, pk: int) -> HttpResponse:
    question = published_question(pk)
    form = AnswerForm(request.POST)
    status = 400
    if form.is_valid():
        # The limit is told inside the form, which keeps what the member typed.
        if message := over_limit(request, "post"):
            form.add_error(None, message)
            status = 429
        else:
            body = form.cleaned_data["body"]
            try:
                answer = services.answer_question(user=request.user, question=question, body=body)
            except services.Repeated as exc:
                # A double click, or the form sent again: the answer is already
                # there, so show it rather than refuse what the member wanted done.
                messages.info(request, "You posted this answer a moment ago: here it is.")
                return _to_answer(request, exc.existing)
            messages.success(request, "Thank you: your answer is published.")
            return _to_answer(request, answer)
    if request.htmx:
        context = {"question": question, "answer_form": form}
        return render(request, PAGE + "#answer-form", context, status=status)
    return render_question_page(request, question, status=status, answer_form=form)


def _to_answer(request: HttpRequest, answer: Answer) -> HttpResponse:
    """The question page, opened on ``answer``.

    htmx's HX-Redirect only sets ``location.href``: to the same page with a new
    ``#answer-N`` the browser just scrolls, and the new answer is not there. The
    answer's own address is a new page load that lands on it.
    """
    if request.htmx:
        return HttpResponseClientRedirect(reverse("answer_permalink", args=[answer.pk]))
    return redirect(answer)


@require_GET
def answer_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """An answer's own address: its question's page, scrolled to it."""
    return redirect(published_answer(pk))


def _too_long(text: str, limit: int = ANSWER_MAX) -> str:
    """The refusal for a text to preview past the limit of the field it previews."""
    length = len(text.strip())  # as the form counts it
    if length <= limit:
        return ""
    return (
        f"Too long to preview: at most {limit:,} characters, and this has {length:,}. "
        "Shorten it to see the preview (it could not be saved as it is either)."
    )


def preview_refusal(request: HttpRequest, text: str) -> tuple[str, int]:
    """Why a preview of ``text`` is not made, with its status; ("", 200) if it may be."""
    if message := _too_long(text):
        return message, 400
    if message := over_limit(request, "preview"):
        return message, 429
    return "", 200


@require_POST
@member_required
def preview(request: HttpRequest) -> HttpResponse:
    """Live preview of markdown, through the same pipeline as saved content."""
    body = request.POST.get("body", "")
    error, status = preview_refusal(request, body)
    context = {"html": "" if error else render_markdown(body), "error": error}
    return render(request, "questions/preview.html", context, status=status)


@require_http_methods(["GET", "POST"])
@service_errors
@member_required
def answer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    answer = published_answer(pk)
    if not permissions.can_edit(request.user, answer.author_id):
        raise PermissionDenied("Only the author of this answer or a moderator can edit it.")
    form = AnswerEditForm(request.POST or None, initial={"body": answer.body})
    if form.is_valid():
        try:
            services.edit_answer(
                user=request.user,
                answer=answer,
                body=form.cleaned_data["body"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            form.add_error("body", exc)
        else:
            return done(request, "Your edit is saved as a new revision.", answer)
    status = 400 if form.is_bound else 200
    return render(
        request, "questions/answer_edit.html", {"answer": answer, "form": form}, status=status
    )


@require_GET
def answer_history(request: HttpRequest, pk: int) -> HttpResponse:
    answer = published_answer(pk)
    revisions = services.revision_history(answer)  # diffs stored, not computed per view
    revisions.reverse()
    return render(
        request,
        "questions/answer_history.html",
        {
            "answer": answer,
            "revisions": revisions,
            "can_roll_back": permissions.can_edit(request.user, answer.author_id),
        },
    )


@require_POST
@service_errors
@member_required
def answer_rollback(request: HttpRequest, pk: int) -> HttpResponse:
    answer = published_answer(pk)
    try:
        number = int(request.POST.get("revision", ""))
    except ValueError:
        raise ValidationError("Choose a revision to roll back to.") from None
    services.rollback_answer(user=request.user, answer=answer, number=number)
    return done(request, f"Rolled back to revision {number}.", answer)


@require_http_methods(["GET", "POST"])
@service_errors
@member_required
def answer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The author deletes their answer: a page that asks first (GET), then the post."""
    answer = published_answer(pk)
    if not permissions.is_owner(request.user, answer.author_id):
        raise PermissionDenied("Only the author of this answer can delete it.")
    refusal, status = services.deletion_refusal(answer), 200
    if request.method == "POST":
        try:
            services.delete_answer(user=request.user, answer=answer)
        except ValidationError as exc:  # said on the page that asks, as a conflict
            refusal, status = " ".join(exc.messages), 409
        else:
            text = "Your answer was deleted. A moderator can restore it if you ask."
            return done(request, text, answer.question)
    context = {"answer": answer, "refusal": refusal}
    return render(request, "questions/answer_delete.html", context, status=status)
