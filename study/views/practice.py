"""Practice: the next due card, rating it, starting practice on a topic."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import member_required
from questions.errors import refuse
from questions.models import Topic
from study import scheduling, selectors, services
from study.checking import UNDO_KEY, practice_checks

from .common import (
    PRACTICE_PAGE,
    ReviewForm,
    form_errors,
    own_bookmark,
)


def _practice_context(request: HttpRequest, typed: tuple[int, str] | None = None, **extra) -> dict:
    session = selectors.practice_session(request.user)
    return {
        **practice_checks(request, session, typed),  # type your answer, undo, heatmap
        "session": session,
        "token": scheduling.card_token(session.card) if session.card else "",
        "progress": selectors.topic_progress(request.user),
        "chart": selectors.review_chart(request.user, now=session.now),
        "practice_topics": selectors.practice_topics(),
        "new_per_day": scheduling.new_cards_per_day(),
        **extra,
    }


def _practice_response(request: HttpRequest, status: int = 200, **extra) -> HttpResponse:
    template = PRACTICE_PAGE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#session"
    return render(request, template, _practice_context(request, **extra), status=status)


@require_GET
@member_required
@never_cache
@vary_on_headers("HX-Request")
def practice(request: HttpRequest) -> HttpResponse:
    return _practice_response(request)


@require_POST
@member_required
def practice_review(request: HttpRequest, pk: int) -> HttpResponse:
    bookmark = own_bookmark(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _practice_response(
                request, status=400, flash=form_errors(form), flash_error=True
            )
        return refuse(request, 400, form_errors(form))
    data = form.cleaned_data
    result = services.review(
        user=request.user,
        bookmark=bookmark,
        rating=data["rating"],
        duration_ms=data["duration_ms"],
        seen=data["seen"] or None,
        typed_answer=data["typed_answer"],
    )
    if result is None:
        flash = "That card was already rated; here is the next one."
    else:
        back_in = scheduling.humanize_interval(result.due_after - result.reviewed_at)
        flash = f"{result.get_rating_display()}: back in {back_in}."
        request.session[UNDO_KEY] = result.pk
    if request.htmx:
        return _practice_response(request, flash=flash)
    messages.success(request, flash)
    return redirect("practice")


@require_POST
@member_required
def practice_start(request: HttpRequest) -> HttpResponse:
    """Bookmark every question of a topic in one step, then practise them."""
    topic = Topic.objects.filter(slug=request.POST.get("topic", "")).first()
    if topic is None:
        message = "Choose a topic to practise."
        if request.htmx:
            return _practice_response(request, status=400, flash=message, flash_error=True)
        return refuse(request, 400, message)
    added = services.bookmark_topic(user=request.user, topic=topic)
    if added:
        flash = f"Added {added} {topic.name} question{'s' if added != 1 else ''} to practise."
    else:
        flash = f"You already have every {topic.name} question in your bookmarks."
    if request.htmx:
        return _practice_response(request, flash=flash)
    messages.success(request, flash)
    return redirect("practice")
