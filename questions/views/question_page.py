"""The question page: shared parts from the cache plus the reader's own bits.

What the page shows that is the same for every reader (the question, the
order of its answers, who wrote which comment and proposal, related
questions) is a :class:`SharedPage`, kept in the ``fragments`` cache under
the question's generation (``pagecache.question_generation``), so a reader
whose fragments are all cached costs one query: their votes, verdicts,
bookmark, reports, follow and unread count, with the page's interview-report
counts (``questions.reader_marks``). A member's page is then the cached shell
of the page around the parts that are theirs (``page_shell``).

Each answer is rendered by ``questions/includes/answer.html`` *without a
request*: the template sees the answer (the same for everyone), its comments
and proposals, and an :class:`AnswerView`, the small set of facts that differ
between readers (their vote, their verdict, whether they wrote it, which
comments and proposals are theirs or theirs to see). The fragment's cache key
is made here, once, from the generation and a hash of the ``AnswerView``, so
the template cannot show anything about a reader that the key does not cover:
two readers share a fragment exactly when their views are equal.

A member's forms inside the fragments get their CSRF token from the page
around them (``<input form="…">``) and htmx sends it as a header; visitors'
fragments have no forms that post, only links to log in.
"""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from questions import pagecache, selectors, structured_data
from questions.forms import AnswerForm
from questions.models import Answer, Proposal, ProposalStatus, Question, VerdictValue
from questions.reader_marks import ReaderMarks, reader_marks
from questions.views import page_shell
from study import selectors as study_selectors

COMMENTS_SHOWN = 5
ANSWER_TEMPLATE = "questions/includes/answer.html"
COMMENTS_TEMPLATE = "questions/includes/comment_list.html"


@dataclass(frozen=True)
class MyVerdict:
    """The reader's verdict as their verdict box shows it."""

    pk: int
    value: str
    is_current: bool
    note: str

    @property
    def get_value_display(self) -> str:
        return VerdictValue(self.value).label


@dataclass(frozen=True)
class AnswerView:
    """What one answer's fragment shows that is not the same for every reader."""

    position: int  # "Answer N"
    member: bool = False
    moderator: bool = False
    own: bool = False  # the reader wrote it
    my_vote: int = 0
    my_verdict: MyVerdict | None = None
    proposals: tuple[tuple[int, bool], ...] = ()  # pending ones shown: (id, the reader's)
    my_comments: tuple[int, ...] = ()  # listed comments the reader wrote
    shown_comments: int = 0
    more_comments: int = 0

    @property
    def can_edit(self) -> bool:
        return self.own or self.moderator

    @property
    def can_vote(self) -> bool:
        return self.member and not self.own

    can_judge = can_vote

    def key(self, answer_id: int, generation: str) -> str:
        digest = hashlib.blake2b(repr(self).encode(), digest_size=16).hexdigest()
        return f"answer:{answer_id}:{generation}:{digest}"


@dataclass
class AnswerBlock:
    answer_id: int
    view: AnswerView
    html: SafeString = field(default=SafeString(""))
    # A member's CSRF token for the fragment's forms, which members share:
    # hidden inputs outside it, tied to each form by its id.
    token_inputs: SafeString = field(default=SafeString(""))

    def give_token(self, token: SafeString) -> None:
        """``token``: the request's CSRF token, escaped once for all the blocks."""
        forms = [
            *(["vote"] if self.view.can_vote else []),
            *(["verdict"] if self.view.can_judge else []),
            "comment",
        ]
        # The token is escaped; the rest is ours.
        self.token_inputs = mark_safe(
            "".join(
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}"'
                f' form="{form}-form-{int(self.answer_id)}">'
                for form in forms
            )
        )


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


Pairs = tuple[tuple[int, int | None], ...]  # (id, author id), in page order


@dataclass(frozen=True)
class AnswerRow:
    """An answer as the shared page knows it: enough to make every reader's view."""

    pk: int
    author_id: int | None
    revision_count: int
    proposals: Pairs  # pending
    comments: Pairs  # listed: published, and deleted ones as a placeholder


@dataclass
class SharedPage:
    """What a question page shows that is the same for every reader."""

    question: Question
    answers: list[AnswerRow]
    question_comments: Pairs
    related: list[Question]
    summary: str  # the first answer's text, for the page's description
    structured_data: str  # the schema.org QAPage script (questions.structured_data)
    login: str  # where "Log in to …" links go (login_url)
    # Loaded with it, not cached: the answers and comments, to render from.
    loaded: dict = field(default_factory=dict, compare=False)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "loaded": {}}


def _pairs(rows) -> Pairs:
    return tuple((row.pk, row.author_id) for row in rows)


def _full_answers(question: Question, ids=None):
    pending = Proposal.objects.filter(status=ProposalStatus.PENDING).select_related("author")
    answers = question.answers.published() if ids is None else Answer.objects.filter(pk__in=ids)
    return answers.select_related("author").prefetch_related(
        Prefetch("proposals", queryset=pending, to_attr="pending_proposals"),
        selectors.answer_comments(),
    )


def build_shared_page(question: Question, request: HttpRequest) -> SharedPage:
    answers = list(_full_answers(question).ranked())
    comments = list(selectors.visible_comments().filter(question=question))
    return SharedPage(
        question=question,
        answers=[
            AnswerRow(
                answer.pk,
                answer.author_id,
                answer.revision_count,
                _pairs(answer.pending_proposals),
                _pairs(answer.comments.all()),
            )
            for answer in answers
        ],
        question_comments=_pairs(comments),
        related=list(selectors.related_questions(question)),
        summary=strip_tags(answers[0].body_html)[:400] if answers else "",
        structured_data=structured_data.qa_page_script(question, answers, request),
        login=login_url(question),
        loaded={"answers": {a.pk: a for a in answers}, "comments": comments},
    )


def shared_page(pk: int, request: HttpRequest) -> tuple[SharedPage, str]:
    """The question's shared page and its generation, from the cache when it is there."""
    generation = pagecache.question_generation(pk)
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
    return page, generation


@dataclass(frozen=True)
class Reader:
    """Who reads the page, read once from ``request.user``: pk None for a visitor."""

    pk: int | None
    moderator: bool = False

    @classmethod
    def of(cls, user) -> "Reader":
        if not user.is_authenticated:
            return cls(None)
        return cls(user.pk, user.is_moderator)


def answer_view(
    reader: Reader, row: AnswerRow, *, position: int, shown: int, vote: int = 0, verdict=None
) -> AnswerView:
    """This reader's view of an answer; ``verdict`` is (id, value, revision number, note)."""
    more = len(row.comments) - shown
    me = reader.pk
    if me is None:
        return AnswerView(position=position, shown_comments=shown, more_comments=more)
    moderator = reader.moderator
    own = row.author_id == me
    return AnswerView(
        position=position,
        member=True,
        moderator=moderator,
        own=own,
        my_vote=vote,
        my_verdict=verdict
        and MyVerdict(verdict[0], verdict[1], verdict[2] == row.revision_count, verdict[3]),
        proposals=tuple(
            (pk, author == me) for pk, author in row.proposals if moderator or own or author == me
        ),
        my_comments=tuple(pk for pk, author in row.comments[:shown] if author == me),
        shown_comments=shown,
        more_comments=more,
    )


def _render_answer(answer: Answer, view: AnswerView, login: str) -> SafeString:
    mine = dict(view.proposals)
    proposals = []
    for proposal in answer.pending_proposals:
        if proposal.pk in mine:
            proposal.mine = mine[proposal.pk]
            proposals.append(proposal)
    comments = list(answer.comments.all())[: view.shown_comments]
    for comment in comments:
        comment.can_edit = view.moderator or comment.pk in view.my_comments
    context = {
        "answer": answer,
        "view": view,
        "comments": comments,
        "proposals": proposals,
        "login_url": login,
    }
    return mark_safe(render_to_string(ANSWER_TEMPLATE, context))


def _digest(value) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def answer_blocks(
    request: HttpRequest, page: SharedPage, generation: str, marks: ReaderMarks
) -> list[AnswerBlock]:
    """Each answer's HTML for this reader, from the fragments cache where it is there."""
    user = request.user
    reader = Reader.of(user)
    votes, verdicts = marks.votes, marks.verdicts
    show_all = request.GET.get("comments") == "all"
    blocks = []
    for position, row in enumerate(page.answers, start=1):
        shown = len(row.comments) if show_all else min(len(row.comments), COMMENTS_SHOWN)
        view = answer_view(
            reader,
            row,
            position=position,
            shown=shown,
            vote=votes.get(row.pk, 0),
            verdict=verdicts.get(row.pk),
        )
        blocks.append(AnswerBlock(row.pk, view))
    fragments = caches["fragments"]
    keys = [block.view.key(block.answer_id, generation) for block in blocks]
    found = fragments.get_many(keys) if generation else {}
    missing = [(block, key) for block, key in zip(blocks, keys, strict=True) if key not in found]
    if missing:
        loaded = page.loaded.get("answers") or {
            answer.pk: answer
            for answer in _full_answers(page.question, [block.answer_id for block, _ in missing])
        }
        to_render = [loaded[block.answer_id] for block, _ in missing]
        selectors.attach_verdicts(to_render, user, mine=False)
        login = page.login
        for answer, (block, key) in zip(to_render, missing, strict=True):
            found[key] = _render_answer(answer, block.view, login)
        if generation:
            fresh = {key: found[key] for _, key in missing}
            fragments.set_many(fresh, settings.MLQA_PAGE_CACHE_SECONDS)
    token = conditional_escape(get_token(request)) if user.is_authenticated else ""
    for block, key in zip(blocks, keys, strict=True):
        block.html = mark_safe(found[key])  # rendered by answer.html
        if token:
            block.give_token(token)
    return blocks


def question_comments_html(request: HttpRequest, page: SharedPage, generation: str) -> SafeString:
    """The comments on the question itself, keyed like an answer on what is the
    reader's (their comments' edit links, or a moderator's)."""
    user = request.user
    moderator = user.is_authenticated and user.is_moderator
    mine = tuple(pk for pk, author in page.question_comments if user.pk and author == user.pk)
    key = f"qcomments:{page.question.pk}:{generation}:{_digest((moderator, mine))}"
    html = caches["fragments"].get(key) if generation else None
    if html is None:
        comments = page.loaded.get("comments")
        if comments is None:
            comments = list(selectors.visible_comments().filter(question=page.question))
        for comment in comments:
            comment.can_edit = moderator or comment.pk in mine
        html = render_to_string(COMMENTS_TEMPLATE, {"comments": comments})
        if generation:
            caches["fragments"].set(key, html, settings.MLQA_PAGE_CACHE_SECONDS)
    return mark_safe(html)


def render_shared_page(
    request: HttpRequest, page: SharedPage, generation: str, *, status: int = 200, **extra
) -> HttpResponse:
    """The page for this reader. A visitor's is rendered whole (``pagecache`` keeps
    it); a member's is the cached shell around the parts that are theirs
    (``page_shell``), whose own data all comes from one query (``reader_marks``)."""
    question, user = page.question, request.user
    marks = reader_marks(user, question, [row.pk for row in page.answers])
    context = {
        "question": question,
        "answer_blocks": answer_blocks(request, page, generation, marks),
        "question_comments": question_comments_html(request, page, generation),
        "login_url": page.login,
        "follows_question": marks.follows,
        **study_selectors.page_study_context(marks.asked, bookmark=marks.bookmark),
        "answer_form": AnswerForm(),
        **extra,
    }
    shared = {
        "question": question,
        "summary": page.summary,
        "related": page.related,
        "structured_data": page.structured_data,
        "answer_blocks": page.answers,  # their number
    }
    if not user.is_authenticated:
        return render(request, page_shell.PAGE, {**shared, **context}, status=status)
    context["inbox_unread"] = marks.unread
    return page_shell.assemble(request, question.pk, generation, shared, context, status=status)


def render_question_page(
    request: HttpRequest, question: Question, *, status: int = 200, **extra
) -> HttpResponse:
    """The question page built afresh, nothing from the cache: community views
    use it to show a form again with its errors (``extra``)."""
    return render_shared_page(
        request, build_shared_page(question, request), "", status=status, **extra
    )
