"""Practice that checks you: type your answer, undo the last rating, the year heatmap,
and the member's typed answers on a bookmark (private: anyone else's are a 404)."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import member_required
from questions.errors import refuse
from study import checking, services
from study.checking import TYPING_KEY, UNDO_KEY
from study.models import Review

from . import practice as practice_page
from .common import form_errors, own_bookmark


class CheckForm(forms.Form):
    answer = forms.CharField(
        required=False,
        max_length=services.TYPED_MAX,
        strip=True,
        error_messages={"max_length": f"Type at most {services.TYPED_MAX} characters."},
    )


def _done(request: HttpRequest, flash: str, *, status: int = 200, **extra) -> HttpResponse:
    """The practice page again: the session fragment with htmx, else a redirect."""
    if request.htmx:
        return practice_page._practice_response(
            request, status=status, flash=flash, flash_error=status >= 400, **extra
        )
    if status >= 400:
        return refuse(request, status, flash)
    messages.success(request, flash)
    return redirect("practice")


@require_POST
@member_required
def practice_typing(request: HttpRequest) -> HttpResponse:
    """Switch "type your answer" on or off for the rest of this session."""
    on = request.POST.get("typing") == "on"
    request.session[TYPING_KEY] = on
    flash = "Type your answer before you reveal it." if on else "Answers are no longer typed."
    return _done(request, flash)


@require_POST
@member_required
def practice_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal the card with the typed answer beside the best answer."""
    bookmark = own_bookmark(request, pk)
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _done(request, form_errors(form), status=400)
    typed = (bookmark.pk, form.cleaned_data["answer"])
    context = practice_page._practice_context(request, typed=typed)
    if context["check"] is None:
        context["flash"] = "That card was already rated; here is the next one."
    template = practice_page.PRACTICE_PAGE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#session"
    return render(request, template, context)


@require_POST
@member_required
def practice_undo(request: HttpRequest) -> HttpResponse:
    """Take back the last rating, once: the card comes back exactly as it was."""
    try:
        review_id = int(request.POST.get("review", ""))
    except ValueError:
        return _done(request, "Choose the rating to undo.", status=400)
    review = get_object_or_404(
        Review.objects.select_related("bookmark__question"),
        pk=review_id,
        bookmark__user=request.user,
    )
    if request.session.get(UNDO_KEY) != review.pk:
        return _done(request, "Only your last rating can be undone, once.", status=409)
    try:
        checking.undo_review(user=request.user, review=review)
    except checking.CannotUndo as exc:
        request.session.pop(UNDO_KEY, None)
        return _done(request, str(exc), status=409)
    request.session.pop(UNDO_KEY, None)
    title = review.bookmark.question.title
    return _done(request, f"Undid “{review.get_rating_display()}” on “{title}”.")


@require_GET
@member_required
@never_cache
def bookmark_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's typed answers to one bookmarked question, newest first."""
    bookmark = own_bookmark(request, pk)
    context = {
        "bookmark": bookmark,
        "question": bookmark.question,
        "reviews": checking.typed_answers(bookmark),
    }
    return render(request, "study/typed_answers.html", context)
