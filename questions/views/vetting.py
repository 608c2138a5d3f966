"""Vetting: verdicts on answers, the review queue and the AI models leaderboard.

A verdict is a plain form post that redirects back (to the answer, or to the
page named by ``next``: the review queue, practice) and, with htmx, a swap of
the answer's verdict box. Writes go through questions.services.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import member_required
from questions import leaderboard, selectors, services
from questions.errors import rate_limited, refuse, service_errors
from questions.models import Answer, Topic
from questions.vetting import Thresholds
from questions.views.actions import published_answer

BOX = "questions/includes/verdict_box.html"
REVIEW_SKIPPED = "review_skipped"
SKIPPED_KEPT = 200


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _box(request: HttpRequest, answer: Answer, *, status: int = 200, **extra) -> HttpResponse:
    answer = Answer.objects.select_related("question", "author").get(pk=answer.pk)
    selectors.attach_verdicts([answer], request.user)
    context = {
        "answer": answer,
        "my": answer.my_verdict,
        "member": True,  # the view needs a member
        "own": answer.author_id == request.user.pk,
        "verdict_next": _safe_next(request),
        **extra,
    }
    return render(request, BOX, context, status=status)


def _verdict_refused(request: HttpRequest, message: str, status: int, pk: int) -> HttpResponse:
    """With htmx a refused verdict is said in the answer's verdict box, the note
    given back as typed."""
    note = request.POST.get("note", "")
    answer = published_answer(pk)
    return _box(request, answer, status=status, verdict_error=message, verdict_note=note)


@require_POST
@service_errors(inline=_verdict_refused)
@member_required
@rate_limited("verdict")
def verdict(request: HttpRequest, pk: int) -> HttpResponse:
    answer = published_answer(pk)
    value = request.POST.get("value", "")
    if value not in services.VERDICT_CHOICES:
        raise ValidationError("A verdict is correct, partly, wrong or clear.")
    note = request.POST.get("note", "")
    services.give_verdict(user=request.user, answer=answer, value=value, note=note)
    if request.htmx:
        if target := _safe_next(request):
            # From the review queue: on to the next answer.
            return HttpResponseClientRedirect(target)
        return _box(request, answer)
    return redirect(_safe_next(request) or answer.get_absolute_url())


def _skipped(request: HttpRequest) -> list[int]:
    return [pk for pk in request.session.get(REVIEW_SKIPPED, []) if isinstance(pk, int)]


def _review_topic(request: HttpRequest) -> Topic | None:
    slug = request.GET.get("topic", "") or request.POST.get("topic", "")
    return Topic.objects.filter(slug=slug[:100]).first() if slug else None


def _review_url(topic: Topic | None) -> str:
    url = reverse("review")
    return f"{url}?topic={topic.slug}" if topic else url


@require_GET
@member_required
def review(request: HttpRequest) -> HttpResponse:
    """One AI answer that needs verdicts, with the question it answers."""
    topic = _review_topic(request)
    queue = selectors.review_queue(request.user, topic=topic, skipped=_skipped(request))
    answer = queue.select_related("question__source").first()
    if answer is not None:
        selectors.attach_verdicts([answer], request.user)
    context = {
        "answer": answer,
        "remaining": queue.count(),
        "topic": topic,
        "topics": selectors.topics_with_questions(),
        "verdict_next": _review_url(topic),
        "skipped": len(_skipped(request)),
    }
    return render(request, "questions/review.html", context)


@require_POST
@member_required
def review_skip(request: HttpRequest) -> HttpResponse:
    """Leave an answer for others: the queue stops offering it to this member
    (for this session; "start again" brings skipped answers back)."""
    topic = _review_topic(request)
    if request.POST.get("reset"):
        request.session[REVIEW_SKIPPED] = []
        return redirect(_review_url(topic))
    try:
        pk = int(request.POST.get("answer", ""))
    except ValueError:
        return refuse(request, 400, "Which answer? The skip did not name one.")
    skipped = [*_skipped(request), pk][-SKIPPED_KEPT:]
    request.session[REVIEW_SKIPPED] = skipped
    return redirect(_review_url(topic))


@require_GET
def ai_models(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "verified")
    sort = sort if sort in leaderboard.SORTS else "verified"
    models = leaderboard.leaderboard(sort=sort)
    context = {
        "models": models,
        "sort": sort,
        "sorts": leaderboard.SORTS,
        "chart": leaderboard.chart_rows(models),
        "chart_width": leaderboard.CHART_LABEL_WIDTH + leaderboard.BAR_WIDTH + 70,
        "chart_height": max(1, sum(1 for m in models if m.judged)) * leaderboard.ROW_HEIGHT,
        "bar_width": leaderboard.BAR_WIDTH,
        "label_width": leaderboard.CHART_LABEL_WIDTH,
        "thresholds": Thresholds.from_settings(),
    }
    return render(request, "questions/ai_models.html", context)


@require_GET
def ai_model_detail(request: HttpRequest, slug: str) -> HttpResponse:
    name = leaderboard.model_named(slug)
    if name is None:
        raise Http404("No AI model by that name has answers here.")
    stats = leaderboard.leaderboard(answers=leaderboard.ai_answers().filter(ai_model=name))
    context = {"stats": stats[0], **leaderboard.judged_wrong_or_corrected(name)}
    return render(request, "questions/ai_model_detail.html", context)
