"""A member's parts of the question page with forms, kept rendered per view.

The study tools, the follow button, the question's comments and the answer
form each show a member little of their own: a bookmark, counts of reports, a
follow, their comments' edit links, and a CSRF token in each form. Each part
is rendered here from a *view*: a small dict of plain values (strings,
numbers, frozen dataclasses) holding all the template may see, and no request
nor user (a member stand-in answers ``user.is_authenticated``). The HTML is
kept in this process (``caches["objects"]``) under a hash of the part's name
and its view, so two members share it exactly when their views are equal, and
the template cannot show what the key does not cover.

The CSRF inputs are not in what is kept: the part is rendered with a random
mark for a token, cut where Django's ``{% csrf_token %}`` put it, and each
request joins the pieces with the input Django's own tag renders for it. A
rendering whose pieces still hold the mark (a token used some other way) is
not kept; the part is then rendered by its template.

Visitors' parts, and a part whose context is not the question page's (a form
shown again with its errors), are rendered by their templates as before.
"""

from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import caches
from django.template import Context
from django.utils import timezone

from mlqa_site.objectcache import frozen
from questions import pagecache
from questions.forms import AnswerForm
from questions.templatetags.reader_parts import join_pieces, renders, token_pieces
from questions.views import page_shell
from questions.views.answer_section import digest
from study.models import InterviewLevel
from study.templatetags.study_tags import back_path

STUDY_TOOLS = "study/includes/question_study_tools.html"
FOLLOW = "questions/question_detail.html#follow"
QUESTION_COMMENTS = "questions/question_detail.html#question-comments"
ANSWER_FORM = "questions/question_detail.html#answer-form"
FACTS = "page_facts"  # the context variable of the page's PageFacts, set for members
ASKED_LEVELS = tuple(tuple(choice) for choice in InterviewLevel.choices)
# What a part shows the same to every member, beside its view.
SAME_FOR_ALL = {ANSWER_FORM: lambda: {"answer_form": AnswerForm()}}


@dataclass(frozen=True)
class QuestionRef:
    """The question as members' parts show it."""

    pk: int
    status: str
    bookmark_count: int


@dataclass(frozen=True)
class KeptHtml:
    """HTML kept under ``key``, which names all it holds ("" for HTML made for
    one request): a view holding it hashes the key, not the text."""

    key: str
    html: str = field(repr=False)

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"KeptHtml({self.key!r})" if self.key else f"KeptHtml(html={self.html!r})"


@dataclass(frozen=True)
class _Member:
    """``user`` in a part rendered from a view: a member, and nothing else about them."""

    is_authenticated: bool = True


MEMBER = _Member()


def _template(context: Context, name: str) -> str:
    return context.template.engine.get_template(name).render(context)


def _pieces(name: str, view: dict) -> tuple[str, ...] | None:
    same = SAME_FOR_ALL[name]() if name in SAME_FOR_ALL else {}
    return token_pieces(name, {**view, **same, "user": MEMBER})


def kept_part(context: Context, name: str, view: dict) -> str:
    """Part ``name`` rendered from ``view`` alone, kept per view, with this
    request's CSRF input (Django's ``{% csrf_token %}``) where the part has one.
    The view's values must be immutable (``objectcache.frozen``): their ``repr``
    is then all they hold, and the key covers them."""
    if not frozen(tuple(view.values())):
        return _template(context, name)
    key = f"part:{digest((name, view))}"
    # A view holding what the request chose (an address with parameters the
    # page does not read) is rendered, not kept: such requests must not crowd
    # out what every member shares.
    request = context["request"]
    keep = pagecache.enabled() and pagecache.shareable(request, page_shell.SHELL_PARAMS)
    if "back" in view:
        keep = keep and view["back"] == request.get_full_path()
    objects = caches["objects"]
    pieces = objects.get(key) if keep else None
    if pieces is None:
        pieces = _pieces(name, view)
        if pieces is None:
            return _template(context, name)
        if keep:
            objects.set(key, pieces, settings.MLQA_PAGE_CACHE_SECONDS)
    return join_pieces(context, pieces)


def _member_page(context: Context):
    """The page's facts when this is a member's question page, else None."""
    facts = context.get(FACTS)
    return facts if facts is not None and context["user"].is_authenticated else None


@renders(STUDY_TOOLS)
def study_tools(context: Context) -> str:
    facts = _member_page(context)
    if facts is None:
        return _template(context, STUDY_TOOLS)
    view = {
        "question": facts.ref,
        "study_bookmark": context.get("study_bookmark"),
        "asked": _frozen_asked(context.get("asked")),
        "asked_levels": ASKED_LEVELS,
        "this_year": timezone.localdate().year,
        "asked_message": context.get("asked_message", ""),
        "asked_failed": bool(context.get("asked_failed")),
        "back": back_path(context),
    }
    return kept_part(context, STUDY_TOOLS, view)


def _frozen_asked(asked):
    """The study tools' AskedSummary with tuples for its lists (a view's values are immutable)."""
    if asked is None:
        return None
    return replace(
        asked,
        companies=tuple(asked.companies),
        company_pages=tuple(tuple(page) for page in asked.company_pages),
    )


@renders(FOLLOW)
def follow(context: Context) -> str:
    facts = _member_page(context)
    if facts is None:
        return _template(context, FOLLOW)
    view = {"question": facts.ref, "follows_question": bool(context.get("follows_question"))}
    return kept_part(context, FOLLOW, view)


@renders(QUESTION_COMMENTS)
def question_comments(context: Context) -> str:
    facts = _member_page(context)
    if facts is None:
        return _template(context, QUESTION_COMMENTS)
    view = {"question": facts.ref, "question_comments": context.get("question_comments", "")}
    return kept_part(context, QUESTION_COMMENTS, view)


@renders(ANSWER_FORM)
def answer_form(context: Context) -> str:
    facts = _member_page(context)
    form = context.get("answer_form")
    if facts is None or form is None or form.is_bound:  # a form shown with its errors
        return _template(context, ANSWER_FORM)
    # An unbound form shows nothing of the reader (SAME_FOR_ALL gives a fresh one).
    return kept_part(context, ANSWER_FORM, {"question": facts.ref})
