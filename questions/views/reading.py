from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from questions import listing, pagecache, permissions, selectors
from questions.models import Difficulty, Source, Status, Topic
from questions.views import question_page
from study import selectors as study_selectors

LIST_PARAMS = ("q", "source", "topic", "difficulty", "answers", "verdict", "sort", "page")


def _question_list_page(
    request: HttpRequest,
    *,
    source: Source | None = None,
    topic: Topic | None = None,
    heading: str = "Questions",
    intro: str = "",
) -> HttpResponse:
    params = request.GET
    fixed_source, fixed_topic = source is not None, topic is not None
    if source is None and params.get("source"):
        source = Source.objects.filter(slug=params["source"]).first()
    if topic is None and params.get("topic"):
        topic = Topic.objects.filter(slug=params["topic"]).first()
    filters = selectors.QuestionFilters(
        q=params.get("q", "").strip()[:200],
        source=source,
        topic=topic,
        difficulty=params.get("difficulty", ""),
        answers=params.get("answers", ""),
        sort=params.get("sort", ""),
        verdict=params.get("verdict", ""),
    )
    # The rows, count and pagination every reader sees (cached per list
    # generation), then the reader's own marks for the page's ids.
    generation = pagecache.list_generation()
    shared = listing.listing(request, filters, params=LIST_PARAMS, generation=generation)
    page = shared.page()
    study_selectors.mark_bookmarks(page.object_list, request.user)
    sources, topics = listing.filter_choices(generation)
    template_name = "questions/question_list.html"
    # A history restore (back/forward with htmx's cache empty) needs the whole page.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    if fragment:
        template_name += "#results"
    return render(
        request,
        template_name,
        {
            "page": page,
            "listing": shared,
            "filters": filters,
            "heading": heading,
            "intro": intro,
            "fixed_source": fixed_source,
            "fixed_topic": fixed_topic,
            "sources": sources,
            "topics": topics,
            "difficulties": Difficulty.choices,
            "sorts": selectors.SORTS,
            "answer_filters": selectors.ANSWER_FILTERS,
            "verdict_filters": selectors.VERDICT_FILTERS,
            "sort_oob": fragment,  # the sort select, redrawn with the results
            # A broad search lists its best candidates only (questions.search.bounded).
            "search_capped": shared.capped,
        },
    )


@require_GET
@vary_on_headers("HX-Request")
@pagecache.for_visitors(params=LIST_PARAMS)
def question_list(request: HttpRequest) -> HttpResponse:
    return _question_list_page(request)


@require_GET
@pagecache.for_visitors(params=())
def source_index(request: HttpRequest) -> HttpResponse:
    return render(request, "questions/source_index.html", {"sources": selectors.sources_index()})


@require_GET
@pagecache.for_visitors(params=())
def topic_index(request: HttpRequest) -> HttpResponse:
    return render(request, "questions/topic_index.html", {"topics": selectors.topics_index()})


@require_GET
@vary_on_headers("HX-Request")
@pagecache.for_visitors(params=LIST_PARAMS)
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Source, slug=slug)
    return _question_list_page(
        request, source=source, heading=source.name, intro=source.description
    )


@require_GET
@vary_on_headers("HX-Request")
@pagecache.for_visitors(params=LIST_PARAMS)
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    return _question_list_page(
        request, topic=topic, heading=f"{topic.name} questions", intro=topic.description
    )


@require_GET
@pagecache.for_visitors(params=("comments",), question_kwarg="pk")
def question_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    page, generation = question_page.shared_page(pk, request)
    question = page.question
    if question.merged_into_id and question.status == Status.HIDDEN:
        return redirect(question.merged_into, permanent=True)
    if not permissions.can_view_question(request.user, question):
        raise Http404("No such question.")
    if slug != question.slug:
        return redirect(question, permanent=question.status == Status.PUBLISHED)
    return question_page.render_shared_page(request, page, generation)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # The way in stays findable; the rest of the account pages are private.
        "Allow: /accounts/login/",
        "Allow: /accounts/signup/",
        "Disallow: /accounts/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
