"""The question page: shared answer fragments plus the reader's own bits.

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
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from questions import pagecache, selectors, structured_data
from questions.forms import AnswerForm, CommentForm
from questions.models import Answer, Question, VerdictValue
from study import selectors as study_selectors

COMMENTS_SHOWN = 5
ANSWER_TEMPLATE = "questions/includes/answer.html"


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


def answer_view(user, answer: Answer, *, position: int, listed: list, shown: int) -> AnswerView:
    """This reader's view of an answer whose listed comments are ``listed`` as
    (id, author id), the first ``shown`` of them on the page."""
    if not user.is_authenticated:
        return AnswerView(
            position=position, shown_comments=shown, more_comments=len(listed) - shown
        )
    moderator = user.is_moderator
    own = answer.author_id == user.pk
    verdict = answer.my_verdict
    return AnswerView(
        position=position,
        member=True,
        moderator=moderator,
        own=own,
        my_vote=answer.my_vote,
        my_verdict=verdict
        and MyVerdict(verdict.pk, verdict.value, verdict.is_current, verdict.note),
        proposals=tuple(
            (proposal.pk, proposal.author_id == user.pk)
            for proposal in answer.pending_proposals
            if moderator or own or proposal.author_id == user.pk
        ),
        my_comments=tuple(pk for pk, author in listed[:shown] if author == user.pk),
        shown_comments=shown,
        more_comments=len(listed) - shown,
    )


def _render_answer(user, answer: Answer, view: AnswerView, login: str) -> SafeString:
    shown = {pk for pk, _ in view.proposals}
    proposals = []
    for proposal in answer.pending_proposals:
        if proposal.pk in shown:
            proposal.mine = dict(view.proposals)[proposal.pk]
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


def answer_blocks(request: HttpRequest, question: Question, *, cached: bool) -> tuple[list, list]:
    """The question's answers and their rendered blocks for this reader, from the
    fragments cache where they are there (``cached``)."""
    user = request.user
    generation = pagecache.question_generation(question.pk) if cached else ""
    answers = list(selectors.question_page_answers(question, user, comments=not generation))
    if generation:
        listed = selectors.comment_authors([answer.pk for answer in answers])
    else:
        listed = {a.pk: [(c.pk, c.author_id) for c in a.comments.all()] for a in answers}
    selectors.attach_my_verdicts(answers, user)
    show_all = request.GET.get("comments") == "all"
    blocks = []
    for position, answer in enumerate(answers, start=1):
        comments = listed.get(answer.pk, [])
        shown = len(comments) if show_all else min(len(comments), COMMENTS_SHOWN)
        view = answer_view(user, answer, position=position, listed=comments, shown=shown)
        blocks.append(AnswerBlock(answer.pk, view))
    fragments = caches["fragments"]
    keys = [block.view.key(block.answer_id, generation) for block in blocks]
    found = fragments.get_many(keys) if generation else {}
    missing = [
        (answer, block, key)
        for answer, block, key in zip(answers, blocks, keys, strict=True)
        if key not in found
    ]
    if missing:
        to_render = [answer for answer, _, _ in missing]
        if generation:
            prefetch_related_objects(to_render, selectors.answer_comments())
        selectors.attach_verdicts(to_render, user, mine=False)
        login = login_url(question)
        for answer, block, key in missing:
            found[key] = _render_answer(user, answer, block.view, login)
        if generation:
            fresh = {key: found[key] for _, _, key in missing}
            fragments.set_many(fresh, settings.MLQA_PAGE_CACHE_SECONDS)
    for block, key in zip(blocks, keys, strict=True):
        block.html = mark_safe(found[key])
    return answers, blocks


def render_question_page(
    request: HttpRequest, question: Question, *, status: int = 200, **extra
) -> HttpResponse:
    """The question page; community views reuse it to show a form with its errors
    (``extra``: then nothing comes from the fragments cache)."""
    user = request.user
    answers, blocks = answer_blocks(request, question, cached=not extra)
    question_comments = mark_editable(user, selectors.visible_comments().filter(question=question))
    context = {
        "question": question,
        "answers": answers,
        "answer_blocks": blocks,
        "question_comments": question_comments,
        "related": list(selectors.related_questions(question)),
        "structured_data": structured_data.qa_page_script(question, answers, request),
        "answer_form": AnswerForm(),
        "comment_form": CommentForm(),
        "login_url": login_url(question),
        **study_selectors.question_page_context(question, user),
        **extra,
    }
    return render(request, "questions/question_detail.html", context, status=status)
