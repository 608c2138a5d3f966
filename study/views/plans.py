"""Study plans (/plans/, a plan's page, start and leave), deck options
(/practice/options/) and "more new cards" from the done-for-now screen."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.decorators import member_required
from questions.errors import refuse
from study import deck, plans
from study.models.plans import (
    NEW_PER_DAY_MAX,
    RETENTION_MAX,
    RETENTION_MIN,
    REVIEWS_PER_DAY_MAX,
    DeckOptions,
    NewCardOrder,
    StudyPlan,
)
from study.services import StudyError

from .practice import _practice_response

PLANS_PAGE = "study/plans/plans.html"
PLAN_PAGE = "study/plans/plan.html"
OPTIONS_PAGE = "study/plans/options.html"


@require_GET
@never_cache
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, PLANS_PAGE, {"plans": plans.published_plans(request.user)})


def _plan_response(request: HttpRequest, plan: StudyPlan, status: int = 200, **extra):
    template = PLAN_PAGE
    if request.htmx and not request.htmx.history_restore_request:
        template += "#plan"
    context = {"plan": plan, "progress": plans.plan_progress(plan, request.user), **extra}
    return render(request, template, context, status=status)


def _shown_plan(slug: str) -> StudyPlan:
    plan = plans.plan_for_page(slug)
    if plan is None:
        raise Http404("No such plan.")
    return plan


@require_GET
@never_cache
@vary_on_headers("HX-Request")
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _plan_response(request, _shown_plan(slug))


@require_POST
@member_required
def plan_start(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(StudyPlan.objects.published(), slug=slug)
    try:
        enrollment = plans.start_plan(user=request.user, plan=plan)
    except StudyError as exc:
        if request.htmx:
            return _plan_response(
                request, _shown_plan(slug), status=400, flash=str(exc), flash_error=True
            )
        return refuse(request, 400, str(exc))
    count = enrollment.cards.count()
    flash = (
        f"You follow “{plan.title}”: {count} question{'s' if count != 1 else ''} "
        f"in your bookmarks, introduced over {plan.days} day{'s' if plan.days != 1 else ''}."
    )
    if request.htmx:
        return _plan_response(request, _shown_plan(slug), flash=flash)
    messages.success(request, flash)
    return redirect(plan)


@require_POST
@member_required
def plan_leave(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(StudyPlan.objects.published(), slug=slug)
    if plans.leave_plan(user=request.user, plan=plan):
        flash = f"You left “{plan.title}”. Its questions stay in your bookmarks."
    else:
        flash = f"You were not following “{plan.title}”."
    if request.htmx:
        return _plan_response(request, _shown_plan(slug), flash=flash)
    messages.success(request, flash)
    return redirect(plan)


OPTION_FIELDS = ("new_per_day", "max_reviews_per_day", "desired_retention", "new_order")


@require_http_methods(["GET", "POST"])
@member_required
@never_cache
def deck_options(request: HttpRequest) -> HttpResponse:
    """The member's deck options; out-of-range values are a 400 with the form again."""
    options = DeckOptions.for_member(request.user)
    values = {name: getattr(options, name) for name in OPTION_FIELDS}
    error, status = "", 200
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in OPTION_FIELDS}
        try:
            deck.save_options(user=request.user, **values)
        except StudyError as exc:
            error, status = str(exc), 400
        else:
            flash = "Deck options saved. They apply from the next card."
            if request.htmx:
                return render(
                    request, OPTIONS_PAGE + "#options", {**_options_context(values), "flash": flash}
                )
            messages.success(request, flash)
            return redirect("practice")
    template = OPTIONS_PAGE + ("#options" if request.htmx else "")
    return render(request, template, {**_options_context(values), "error": error}, status=status)


def _options_context(values: dict) -> dict:
    return {
        "values": values,
        "orders": NewCardOrder.choices,
        "limits": {
            "new": NEW_PER_DAY_MAX,
            "reviews": REVIEWS_PER_DAY_MAX,
            "retention_min": RETENTION_MIN,
            "retention_max": RETENTION_MAX,
        },
    }


@require_POST
@member_required
def practice_more(request: HttpRequest) -> HttpResponse:
    """Let more new cards in today (the done-for-now screen's offer)."""
    try:
        options = deck.add_new_cards(user=request.user, count=request.POST.get("count", ""))
    except StudyError as exc:
        if request.htmx:
            return _practice_response(request, status=400, flash=str(exc), flash_error=True)
        return refuse(request, 400, str(exc))
    flash = f"{options.extra_new} more new card{'s' if options.extra_new != 1 else ''} today."
    if request.htmx:
        return _practice_response(request, flash=flash)
    messages.success(request, flash)
    return redirect("practice")
