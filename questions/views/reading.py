from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from questions import pagecache, permissions, selectors
from questions.models import Source, Status, Topic
from questions.views import list_page, question_page
from questions.views.list_page import LIST_PARAMS


@require_GET
@vary_on_headers("HX-Request")
@pagecache.for_visitors(params=LIST_PARAMS)
def question_list(request: HttpRequest) -> HttpResponse:
    return list_page.list_page(request)


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
    return list_page.list_page(
        request, source=source, heading=source.name, intro=source.description
    )


@require_GET
@vary_on_headers("HX-Request")
@pagecache.for_visitors(params=LIST_PARAMS)
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    return list_page.list_page(
        request, topic=topic, heading=f"{topic.name} questions", intro=topic.description
    )


@require_GET
@pagecache.for_visitors(params=("comments",), question_kwarg="pk")
def question_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    facts, generation, whole = question_page.page_facts(pk, request)
    if facts.merged_into_id and facts.status == Status.HIDDEN:
        return redirect(whole().question.merged_into, permanent=True)
    if facts.status != Status.PUBLISHED and not permissions.can_view_question(
        request.user, whole().question
    ):
        raise Http404("No such question.")
    if slug != facts.slug:
        return redirect(facts.url, permanent=facts.status == Status.PUBLISHED)
    return question_page.render_shared_page(request, facts, generation, whole)


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
