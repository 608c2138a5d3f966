from functools import partial
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from questions import pagecache, permissions, search, selectors, structured_data
from questions.forms import AnswerForm, CommentForm
from questions.models import Difficulty, Question, Source, Status, Topic
from study import selectors as study_selectors

COMMENTS_SHOWN = 5
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
    paginator = Paginator(selectors.question_list(filters), settings.MLQA_QUESTIONS_PER_PAGE)
    page = paginator.get_page(params.get("page"))
    page.object_list = study_selectors.with_study_state(page.object_list, request.user)
    if filters.q:
        search.highlight_results(page.object_list, filters.q)
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
            "filters": filters,
            "heading": heading,
            "intro": intro,
            "fixed_source": fixed_source,
            "fixed_topic": fixed_topic,
            "sources": Source.objects.all(),
            "topics": Topic.objects.all(),
            "difficulties": Difficulty.choices,
            "sorts": selectors.SORTS,
            "answer_filters": selectors.ANSWER_FILTERS,
            "verdict_filters": selectors.VERDICT_FILTERS,
            "sort_oob": fragment,  # the sort select, redrawn with the results
            # A broad search lists its best candidates only (questions.search.bounded).
            "search_capped": bool(filters.q) and search.is_capped(paginator.count),
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
    question = get_object_or_404(
        Question.objects.select_related("source", "submitted_by").prefetch_related("topics"),
        pk=pk,
    )
    if question.merged_into_id and question.status == Status.HIDDEN:
        return redirect(question.merged_into, permanent=True)
    if not permissions.can_view_question(request.user, question):
        raise Http404("No such question.")
    if slug != question.slug:
        return redirect(question, permanent=question.status == Status.PUBLISHED)
    return render_question_page(request, question)


def render_question_page(
    request: HttpRequest, question: Question, *, status: int = 200, **extra
) -> HttpResponse:
    """The question page; community views reuse it to show a form with its errors.

    Each answer is a cached fragment (``pagecache.fragment_context``), one per
    kind of reader (``viewer_key``); its forms carry the CSRF placeholder,
    replaced by the reader's own token once the page is rendered. Comments are
    loaded only for the answers whose fragment is not in the cache.
    """
    user = request.user
    fragments = pagecache.fragment_context(question.pk)
    if extra:  # a form shown again with its errors: nothing from the cache
        fragments["fragment_seconds"] = 0
    cached = bool(fragments["fragment_seconds"])
    answers = list(selectors.question_page_answers(question, user, comments=not cached))
    show_all = request.GET.get("comments") == "all"
    if cached:
        authors = selectors.comment_authors([answer.pk for answer in answers])
    else:
        authors = {a.pk: [comment.author_id for comment in a.comments.all()] for a in answers}
    selectors.attach_verdicts(answers, user)
    for answer in answers:
        answer.read_by_author = user.is_authenticated and answer.author_id == user.pk
        comment_authors = authors.get(answer.pk, [])
        total = len(comment_authors)
        answer.shown_count = total if show_all else min(total, COMMENTS_SHOWN)
        answer.more_comments = total - answer.shown_count
        answer.viewer_key = _viewer_key(user, answer, comment_authors)
        # Read only if the fragment is rendered after all (it left the cache since).
        answer.shown_comments = SimpleLazyObject(partial(_shown_comments, answer))
    if cached:
        rendered = _not_cached(answers, fragments["fragment_generation"])
        prefetch_related_objects(rendered, selectors.answer_comments())
    else:
        rendered = answers
    for answer in rendered:
        answer.shown_comments = list(answer.comments.all())[: answer.shown_count]
    context = {
        "question": question,
        "answers": answers,
        "question_comments": selectors.visible_comments().filter(question=question),
        "related": selectors.related_questions(question),
        "structured_data": structured_data.qa_page_script(question, answers, request),
        "answer_form": AnswerForm(),
        "comment_form": CommentForm(),
        "login_url": f"{reverse('account_login')}?next={quote(request.path)}",
        **study_selectors.question_page_context(question, user),
        **fragments,
        "csrf_token": pagecache.CSRF_PLACEHOLDER,
        **extra,
    }
    response = render(request, "questions/question_detail.html", context, status=status)
    return pagecache.with_token(request, response)


def _shown_comments(answer) -> list:
    return list(selectors.visible_comments().filter(answer=answer)[: answer.shown_count])


def _not_cached(answers: list, generation: str) -> list:
    """The answers whose fragment (the template's ``{% cache ... answer ... %}``,
    with the same key) is not in the cache: they are rendered, with their comments."""
    keys = {
        answer.pk: make_template_fragment_key(
            "answer",
            [answer.pk, generation, answer.viewer_key, answer.shown_count, position],
        )
        for position, answer in enumerate(answers, start=1)
    }
    found = caches["fragments"].get_many(keys.values())
    return [answer for answer in answers if keys[answer.pk] not in found]


def _viewer_key(user, answer, comment_authors: list[int | None]) -> str:
    """What an answer's fragment looks like to this reader: everything in it that
    is not the same for every reader (their vote, whether it is their answer or
    their comment, moderation links, proposals they may see, their verdict)."""
    if not user.is_authenticated:
        return "visitor"
    role = "moderator" if user.is_moderator else "member"
    if answer.author_id == user.pk:
        role = "author"
    # Their own comment (edit, delete) or a proposal they may see: theirs alone.
    if user.pk in comment_authors or any(
        role != "member" or proposal.author_id == user.pk for proposal in answer.pending_proposals
    ):
        role = f"{role}-{user.pk}"
    # Their verdict (the box shows it, and its note): theirs alone too.
    if answer.my_verdict is not None:
        verdict = answer.my_verdict
        current = "now" if verdict.is_current else "earlier"
        return (
            f"{role}-{user.pk}-vote{answer.my_vote}-verdict-{verdict.pk}-{verdict.value}-{current}"
        )
    return f"{role}-vote{answer.my_vote}"


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
