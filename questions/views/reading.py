from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from questions import filters, listing, pagecache, permissions, selectors
from questions.models import Source, Status, Topic
from questions.views import question_page
from study import selectors as study_selectors

LIST_PARAMS = filters.list_params()


def _question_list_page(
    request: HttpRequest,
    *,
    source: Source | None = None,
    topic: Topic | None = None,
    heading: str = "Questions",
    intro: str = "",
) -> HttpResponse:
    filterset = filters.QuestionFilterSet(request.GET, fixed_source=source, fixed_topic=topic)
    chosen = filterset.filters_value
    # The rows, count and pagination every reader sees (cached per list
    # generation), then the reader's own marks for the page's ids.
    generation = pagecache.list_generation()
    shared = listing.listing(request, chosen, params=LIST_PARAMS, generation=generation)
    page = shared.page()
    study_selectors.mark_bookmarks(page.object_list, request.user)
    listing.offer_choices(filterset.form, generation)
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
            "filters": chosen,
            "filter_form": filterset.form,
            "heading": heading,
            "intro": intro,
            "fixed_topic": topic,
            "sort_oob": fragment,  # the sort select, redrawn with the results
            # A broad search lists its best candidates only (questions.search.bounded).
            "search_capped": shared.capped,
        },
        # A value that is not one of the choices is dropped and said so, with a 400.
        status=400 if filterset.errors else 200,
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
