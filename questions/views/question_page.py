"""The question page: shared parts from the cache plus the reader's own bits.

What the page shows that is the same for every reader (the question, the
order of its answers, who wrote which comment and proposal, related
questions) is a :class:`SharedPage`, kept in the ``fragments`` cache under
the question's generation (``pagecache.question_generation``). What a
member's request needs of it is much less: the :class:`PageFacts` (ids,
authors, the question's status), plain values kept unpickled in this
process (``caches["objects"]``, ``mlqa_site/objectcache.py``). A reader whose
pieces are all kept costs one query: their votes, verdicts, bookmark,
reports, follow and unread count, with the page's interview-report counts
(``questions.reader_marks``). A member's page is then the cached shell of
the page around the parts that are theirs (``page_shell``): the answers
(``answer_section``) and the parts with forms (``member_parts``), each kept
per reader's view of it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from questions import pagecache, selectors, structured_data
from questions.forms import AnswerForm
from questions.models import Answer, Question
from questions.reader_marks import reader_marks
from questions.views import page_shell, render_sources
from questions.views.answer_section import (  # noqa: F401 (the page's names for them)
    ANSWER_TEMPLATE,
    COMMENTS_SHOWN,
    AnswerBlock,
    AnswerRow,
    AnswerView,
    MyVerdict,
    Pairs,
    Reader,
    answer_blocks,
    answer_view,
    digest,
)
from questions.views.member_parts import FACTS, KeptHtml, QuestionRef
from study import selectors as study_selectors

COMMENTS_TEMPLATE = "questions/includes/comment_list.html"


def login_url(question: Question) -> str:
    """Where a visitor's "Log in to …" links go: the log-in page, then back here."""
    return f"{reverse('account_login')}?next={quote(question.get_absolute_url())}"


def can_edit_comment(user, comment) -> bool:
    return user.is_authenticated and (user.pk == comment.author_id or user.is_moderator)


def mark_editable(user, comments) -> list:
    """The comments as a list, each with ``can_edit`` for this reader."""
    comments = list(comments)
    for comment in comments:
        comment.can_edit = can_edit_comment(user, comment)
    return comments


class UnboundAnswerForm(SimpleLazyObject):
    """An empty answer form, made only if a template draws it: a member's is a
    kept part (``member_parts``), which asks only whether it is bound."""

    is_bound = False

    def __init__(self) -> None:
        super().__init__(AnswerForm)


@dataclass(frozen=True)
class PageFacts:
    """What a request needs of the shared page, as plain values (no model instance)."""

    pk: int
    slug: str
    status: str
    merged_into_id: int | None
    url: str
    ref: QuestionRef  # what members' parts show of the question
    answers: tuple[AnswerRow, ...]
    question_comments: Pairs
    authors: frozenset[int]  # of the answers, their pending proposals and listed comments
    login: str  # where "Log in to …" links go (login_url)


@dataclass
class SharedPage:
    """What a question page shows that is the same for every reader."""

    facts: PageFacts
    question: Question
    related: list[Question]
    summary: str  # the first answer's text, for the page's description
    structured_data: str  # the schema.org QAPage script (questions.structured_data)
    # Loaded with it, not cached: the answers and comments, to render from.
    loaded: dict = field(default_factory=dict, compare=False)

    @property
    def answers(self) -> tuple[AnswerRow, ...]:
        return self.facts.answers

    @property
    def login(self) -> str:
        return self.facts.login

    def __getstate__(self) -> dict:
        return {**self.__dict__, "loaded": {}}


def _pairs(rows) -> Pairs:
    return tuple((row.pk, row.author_id) for row in rows)


def _facts(question: Question, rows: tuple[AnswerRow, ...], comments: Pairs) -> PageFacts:
    authors = {author for _, author in comments}
    for row in rows:
        authors.update((row.author_id, *(a for _, a in row.proposals + row.comments)))
    authors.discard(None)
    return PageFacts(
        pk=question.pk,
        slug=question.slug,
        status=question.status,
        merged_into_id=question.merged_into_id,
        url=question.get_absolute_url(),
        ref=QuestionRef(question.pk, question.status, question.bookmark_count),
        answers=rows,
        question_comments=comments,
        authors=frozenset(authors),
        login=login_url(question),
    )


def build_shared_page(question: Question, request: HttpRequest) -> SharedPage:
    answers = list(render_sources.full_answers(question.pk).ranked())
    comments = list(selectors.visible_comments().filter(question=question))
    rows = tuple(
        AnswerRow(
            answer.pk,
            answer.author_id,
            answer.revision_count,
            _pairs(answer.pending_proposals),
            _pairs(answer.comments.all()),
        )
        for answer in answers
    )
    return SharedPage(
        facts=_facts(question, rows, _pairs(comments)),
        question=question,
        related=list(selectors.related_questions(question)),
        summary=strip_tags(answers[0].body_html)[:400] if answers else "",
        structured_data=structured_data.qa_page_script(question, answers, request),
        loaded={"answers": {a.pk: a for a in answers}, "comments": comments},
    )


def shared_page(pk: int, request: HttpRequest, generation: str) -> SharedPage:
    """The question's shared page, from the cache when it is there; its facts are
    then kept in this process too (:func:`page_facts`)."""
    key = f"qpage:{pk}:{generation}"
    page = caches["fragments"].get(key) if generation else None
    if page is None:
        question = get_object_or_404(
            Question.objects.select_related("source").prefetch_related("topics"),
            pk=pk,
        )
        page = build_shared_page(question, request)
        if generation:
            caches["fragments"].set(key, page, settings.MLQA_PAGE_CACHE_SECONDS)
    if generation:
        caches["objects"].set(f"qfacts:{pk}:{generation}", page.facts, _seconds())
    return page


def _seconds() -> int:
    return settings.MLQA_PAGE_CACHE_SECONDS


class Whole:
    """The shared page, got (from the cache, or built) the first time it is
    called for; ``built`` is the page if this request built it."""

    def __init__(self, get: Callable[[], SharedPage]):
        self._get = get
        self._page: SharedPage | None = None

    def __call__(self) -> SharedPage:
        if self._page is None:
            self._page = self._get()
        return self._page

    @property
    def built(self) -> SharedPage | None:
        return self._page if self._page is not None and self._page.loaded else None


def page_facts(pk: int, request: HttpRequest) -> tuple[PageFacts, str, Whole]:
    """The question page's facts, its generation, and a way to the whole shared
    page (loaded once, when something needs it)."""
    generation = pagecache.question_generation(pk)
    whole = Whole(lambda: shared_page(pk, request, generation))
    facts = caches["objects"].get(f"qfacts:{pk}:{generation}") if generation else None
    if facts is None:
        facts = whole().facts
    return facts, generation, whole


def question_comments_html(
    request: HttpRequest, facts: PageFacts, generation: str, whole: Whole
) -> "KeptHtml":
    """The comments on the question itself, keyed like an answer on what is the
    reader's (their comments' edit links, or a moderator's)."""
    user = request.user
    moderator = user.is_authenticated and user.is_moderator
    me = user.pk
    mine = tuple(pk for pk, author in facts.question_comments if me and author == me)
    key = f"qcomments:{facts.pk}:{generation}:{digest((moderator, mine))}"
    objects = caches["objects"]
    html = objects.get(key) if generation else None
    if html is None:
        built = whole.built
        comments = render_sources.question_comments(
            facts.pk, generation, built.loaded["comments"] if built else None
        )
        comments = render_sources.for_reader(comments, can_edit=lambda c: moderator or c.pk in mine)
        html = render_to_string(COMMENTS_TEMPLATE, {"comments": comments})
        if generation:
            objects.set(key, html, _seconds())
    return KeptHtml(key if generation else "", mark_safe(html))


def _answers_loader(facts: PageFacts, generation: str, whole: Whole):
    def load() -> dict[int, Answer]:
        built = whole.built
        ids = tuple(row.pk for row in facts.answers)
        loaded = built.loaded["answers"] if built else None
        return render_sources.answers(facts.pk, ids, generation, loaded)

    return load


def render_shared_page(
    request: HttpRequest,
    facts: PageFacts,
    generation: str,
    whole: Whole,
    *,
    status: int = 200,
    **extra,
) -> HttpResponse:
    """The page for this reader. A visitor's is rendered whole (``pagecache`` keeps
    it); a member's is the cached shell around the parts that are theirs
    (``page_shell``), whose own data all comes from one query (``reader_marks``).
    ``whole()`` gives the shared page, for what is not kept."""
    user = request.user
    marks = reader_marks(user, facts)
    member = user.is_authenticated
    # One CSRF token for all the member's forms (Django's context processor
    # would mask the secret once more for the parts).
    token = get_token(request) if member else ""
    context = {
        # A member's parts are rendered from the facts: the question itself is
        # loaded only should a part be rendered by its template.
        "question": SimpleLazyObject(lambda: whole().question) if member else whole().question,
        "answer_blocks": answer_blocks(
            request, facts, generation, marks, _answers_loader(facts, generation, whole), token
        ),
        "question_comments": question_comments_html(request, facts, generation, whole),
        "login_url": facts.login,
        "follows_question": marks.follows,
        **study_selectors.page_study_context(marks.asked, bookmark=marks.bookmark),
        "answer_form": UnboundAnswerForm(),
        **extra,
    }

    def shared() -> dict:
        page = whole()
        return {
            "question": page.question,
            "summary": page.summary,
            "related": page.related,
            "structured_data": page.structured_data,
            "answer_blocks": facts.answers,  # their number
        }

    if not member:
        return render(request, page_shell.PAGE, {**shared(), **context}, status=status)
    context["inbox_unread"] = marks.unread
    context[FACTS] = facts
    context["csrf_token"] = token
    return page_shell.assemble(request, facts.pk, generation, shared, context, status=status)


def render_question_page(
    request: HttpRequest, question: Question, *, status: int = 200, **extra
) -> HttpResponse:
    """The question page built afresh, nothing from the cache: community views
    use it to show a form again with its errors (``extra``)."""
    page = build_shared_page(question, request)
    whole = Whole(lambda: page)
    whole()
    return render_shared_page(request, page.facts, "", whole, status=status, **extra)
