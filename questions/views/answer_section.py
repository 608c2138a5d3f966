"""The answers on the question page, per reader, from what the process keeps.

Each answer is rendered by ``questions/includes/answer.html`` *without a
request*: the template sees the answer (the same for everyone), its comments
and proposals, and an :class:`AnswerView`, the small set of facts that differ
between readers (their vote, their verdict, whether they wrote it, which
comments and proposals are theirs or theirs to see). A fragment's key is made
here, once, from the generation and a hash of the ``AnswerView``, so the
template cannot show anything about a reader that the key does not cover: two
readers share a fragment exactly when their views are equal.

The answers *section* (all of them, in order) is kept the same way, under the
generation and a hash of all its views: a request whose section is kept does
one lookup, and the fragments serve only to build a section that is missing.
Most members wrote nothing on a page and voted on nothing there: their views
are those of any such member; others' are kept per member and marks
(:func:`reader_views`).

A member's forms inside the fragments get their CSRF token from inputs outside
them, tied to each form by its id (``<input form="…">``), made per request from
Django's token; htmx sends it as a header. Visitors' fragments have no forms
that post, only links to log in.
"""

import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from questions.models import Answer, VerdictValue
from questions.reader_marks import ReaderMarks
from questions.templatetags.reader_parts import renders
from questions.views.render_sources import for_reader

COMMENTS_SHOWN = 5
ANSWER_TEMPLATE = "questions/includes/answer.html"
ANSWERS_PART = "questions/question_detail.html#answers"
Pairs = tuple[tuple[int, int | None], ...]  # (id, author id), in page order
NOBODY = -1  # the id of "a member who wrote nothing on this page": no real account's


@dataclass(frozen=True)
class AnswerRow:
    """An answer as the shared page knows it: enough to make every reader's view."""

    pk: int
    author_id: int | None
    revision_count: int
    proposals: Pairs  # pending
    comments: Pairs  # listed: published, and deleted ones as a placeholder


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
        return f"answer:{answer_id}:{generation}:{view_digest(self)}"


def digest(value) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


@functools.lru_cache(maxsize=8192)
def view_digest(view: AnswerView) -> str:
    """One view's digest: the same views come back for reader after reader."""
    return digest(view)


TOKEN_HEAD = '<input type="hidden" name="csrfmiddlewaretoken" value="'
BETWEEN = "\n      "  # what the ``answers`` partial puts around each answer
TOKEN = None  # where a member's token goes, among a section's encoded chunks


def _token_forms(answer_id: int, view: AnswerView) -> tuple[str, ...]:
    """The ids of a member's forms in an answer's fragment, which get their
    CSRF token from an input outside it: vote and verdict (an answer they did
    not write), and comment."""
    n = int(answer_id)
    if view.can_vote:  # can_judge too
        return (f"vote-form-{n}", f"verdict-form-{n}", f"comment-form-{n}")
    return (f"comment-form-{n}",)


@dataclass(frozen=True)
class Fragment:
    """An answer's HTML for one view, as this process keeps it: also encoded,
    for a member's page, which is joined as bytes (``page_shell.fill_utf8``)."""

    html: SafeString
    utf8: bytes

    @classmethod
    def of(cls, html: str) -> "Fragment":
        return cls(mark_safe(html), html.encode())


@dataclass
class AnswerBlock:
    answer_id: int
    view: AnswerView
    html: SafeString = field(default=SafeString(""))
    # A member's CSRF token (escaped) for the fragment's forms, which members
    # share: hidden inputs outside it, tied to each form by its id.
    token: str = ""

    @property
    def token_inputs(self) -> SafeString:
        if not self.token:
            return SafeString("")
        forms = _token_forms(self.answer_id, self.view)
        return SafeString("".join(f'{TOKEN_HEAD}{self.token}" form="{f}">' for f in forms))


class AnswerBlocks:
    """The answers' blocks for this reader (made when a template iterates
    them), and ``chunks``: the whole ``answers`` partial as the fragments'
    encoded HTML and the text between them, with :data:`TOKEN` where the
    member's CSRF token goes (kept with the section)."""

    def __init__(self, rows, views, section, chunks: tuple, token: str) -> None:
        self._made = (rows, views, section)
        self.chunks, self.token = chunks, token

    def __len__(self) -> int:
        return len(self._made[0])

    def __iter__(self):
        rows, views, section = self._made
        for row, view, html in zip(rows, views, section, strict=True):
            yield AnswerBlock(row.pk, view, html, self.token)

    def html(self) -> SafeString:
        """The partial as its template lays it out (``{% for block in answer_blocks %}``)."""
        blocks = "".join(f"{BETWEEN}{b.html}{b.token_inputs}{BETWEEN}" for b in self)
        return SafeString(f"{BETWEEN}{blocks}\n")

    def html_utf8(self) -> list[bytes]:
        """The partial encoded, in chunks: the fragments are not copied into a
        string of their own per member."""
        token = self.token.encode()
        return [token if chunk is TOKEN else chunk for chunk in self.chunks]


def _chunks(ids: list[int], views: tuple[AnswerView, ...], fragments, member: bool) -> tuple:
    """The ``answers`` partial as :meth:`AnswerBlocks.html` lays it out,
    encoded: each fragment as it is kept, the text between them, and
    :data:`TOKEN` where a member's token goes (after each ``value="`` of
    :data:`TOKEN_HEAD`)."""
    chunks: list = []
    text = [BETWEEN]
    for answer_id, view, fragment in zip(ids, views, fragments, strict=True):
        text.append(BETWEEN)
        chunks += ["".join(text).encode(), fragment.utf8]
        text = []
        for form in _token_forms(answer_id, view) if member else ():
            chunks += [f"{''.join(text)}{TOKEN_HEAD}".encode(), TOKEN]
            text = [f'" form="{form}">']
        text.append(BETWEEN)
    text.append("\n")
    chunks.append("".join(text).encode())
    return tuple(chunks)


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


def _shown(row: AnswerRow, show_all: bool) -> int:
    return len(row.comments) if show_all else min(len(row.comments), COMMENTS_SHOWN)


def _views(
    reader: Reader, rows: tuple[AnswerRow, ...], show_all: bool, votes: Mapping, verdicts: Mapping
) -> tuple[AnswerView, ...]:
    return tuple(
        answer_view(
            reader,
            row,
            position=position,
            shown=_shown(row, show_all),
            vote=votes.get(row.pk, 0),
            verdict=verdicts.get(row.pk),
        )
        for position, row in enumerate(rows, start=1)
    )


def _differs(me: int, row: AnswerRow, shown: int, votes: Mapping, verdicts: Mapping) -> bool:
    """Whether member ``me``'s view of the answer is not that of a member who
    wrote nothing on it (:func:`answer_view` reads nothing else of them)."""
    return (
        row.pk in votes
        or row.pk in verdicts
        or row.author_id == me
        or any(author == me for _, author in row.proposals)
        or any(author == me for _, author in row.comments[:shown])
    )


def reader_views(
    reader: Reader,
    rows: tuple[AnswerRow, ...],
    authors: frozenset[int],
    marks: ReaderMarks,
    *,
    show_all: bool,
    page_key: str,
) -> tuple[tuple[AnswerView, ...], str]:
    """The reader's views of the answers and their hash. ``authors``: everyone
    who wrote an answer, a pending proposal or a comment among ``rows``. A
    reader who is none of them and has no vote or verdict there sees what any
    such reader sees: those views, their digests and hash are kept once for
    them all under ``page_key`` (the page and its generation; "" for a page
    not kept). Another member's views are those, with the answers where they
    voted, judged or wrote something made anew (a few microseconds each)."""
    votes, verdicts = marks.votes, marks.verdicts
    anyone = Reader(None) if reader.pk is None else Reader(NOBODY, reader.moderator)
    key = f"{page_key}:{anyone.pk}:{anyone.moderator}:{show_all}" if page_key else ""
    kept = caches["objects"].get(key) if key else None
    if kept is None:
        views = _views(anyone, rows, show_all, {}, {})
        digests = tuple(map(view_digest, views))
        kept = (views, digests, digest(digests))
        if key:
            caches["objects"].set(key, kept, settings.MLQA_PAGE_CACHE_SECONDS)
    views, digests, hashed = kept
    me = reader.pk
    if me is None or not (votes or verdicts or me in authors):
        return views, hashed
    views, digests = list(views), list(digests)
    for n, row in enumerate(rows):
        shown = _shown(row, show_all)
        if _differs(me, row, shown, votes, verdicts):
            views[n] = answer_view(
                reader,
                row,
                position=n + 1,
                shown=shown,
                vote=votes.get(row.pk, 0),
                verdict=verdicts.get(row.pk),
            )
            digests[n] = view_digest(views[n])
    return tuple(views), digest(tuple(digests))


def render_answer(answer: Answer, view: AnswerView, login: str) -> SafeString:
    """``answer`` as ``view`` shows it, from a template that sees nothing else.
    ``answer`` is not changed (it may be kept for other readers,
    ``render_sources``): what is the reader's is marked on copies."""
    mine = dict(view.proposals)
    proposals = for_reader(
        (p for p in answer.pending_proposals if p.pk in mine), mine=lambda p: mine[p.pk]
    )
    comments = for_reader(
        list(answer.comments.all())[: view.shown_comments],
        can_edit=lambda c: view.moderator or c.pk in view.my_comments,
    )
    context = {
        "answer": answer,
        "view": view,
        "comments": comments,
        "proposals": proposals,
        "login_url": login,
    }
    return mark_safe(render_to_string(ANSWER_TEMPLATE, context))


def _section(
    ids: list[int],
    views: tuple[AnswerView, ...],
    generation: str,
    load: Callable[[], dict[int, Answer]],
    login: str,
) -> tuple[Fragment, ...]:
    """Each answer's HTML for these views, from the fragments kept where they
    are: this process's memory, else the shared cache (another process rendered
    it: a member's own view is new to every process they reach), else rendered
    here and kept in both."""
    objects = caches["objects"]
    keys = [view.key(pk, generation) for pk, view in zip(ids, views, strict=True)]
    found = objects.get_many(keys) if generation else {}
    missing = [key for key in keys if key not in found]
    if missing and generation:
        shared = {key: Fragment.of(html) for key, html in cache.get_many(missing).items()}
        if shared:
            objects.set_many(shared, settings.MLQA_PAGE_CACHE_SECONDS)
            found.update(shared)
            missing = [key for key in missing if key not in found]
    if missing:
        loaded = load()
        at = {key: n for n, key in enumerate(keys)}
        fresh = {
            key: Fragment.of(render_answer(loaded[ids[at[key]]], views[at[key]], login))
            for key in missing
        }
        found.update(fresh)
        if generation:
            objects.set_many(fresh, settings.MLQA_PAGE_CACHE_SECONDS)
            shared = {key: str(fragment.html) for key, fragment in fresh.items()}
            cache.set_many(shared, settings.MLQA_PAGE_CACHE_SECONDS)
    return tuple(found[key] for key in keys)


def answer_blocks(
    request: HttpRequest,
    page,
    generation: str,
    marks: ReaderMarks,
    load: Callable[[], dict[int, Answer]],
    token: str = "",
) -> AnswerBlocks:
    """Each answer's HTML for this reader, the section kept whole where it is.
    ``page``: the page's ``PageFacts``; ``load()``: its answers by id, to
    render from; ``token``: the member's CSRF token as the page's other forms get it
    (else one is asked of Django here)."""
    reader = Reader.of(request.user)
    show_all = request.GET.get("comments") == "all"
    rows = page.answers
    page_key = f"qviews:{page.pk}:{generation}" if generation else ""
    views, hashed = reader_views(
        reader, rows, page.authors, marks, show_all=show_all, page_key=page_key
    )
    objects = caches["objects"]
    key = f"qanswers:{page.pk}:{generation}:{hashed}"
    kept = objects.get(key) if generation else None
    member = reader.pk is not None
    if kept is None:
        ids = [row.pk for row in rows]
        fragments = _section(ids, views, generation, load, page.login)
        kept = (tuple(f.html for f in fragments), _chunks(ids, views, fragments, member))
        if generation:
            objects.set(key, kept, settings.MLQA_PAGE_CACHE_SECONDS)
    section, chunks = kept
    if member:
        token = str(conditional_escape(token or get_token(request)))
    return AnswerBlocks(rows, views, section, chunks, token if member else "")


def _answers_part_utf8(context) -> bytes | list[bytes]:
    blocks = context.get("answer_blocks")
    if not blocks or not isinstance(blocks, AnswerBlocks):
        return answers_part(context).encode()
    return blocks.html_utf8()


@renders(ANSWERS_PART, utf8=_answers_part_utf8)
def answers_part(context) -> str:
    """The answers as the partial lays them out, without a template's cost."""
    blocks = context.get("answer_blocks")
    if not blocks or not isinstance(blocks, AnswerBlocks):
        return context.template.engine.get_template(ANSWERS_PART).render(context)
    return blocks.html()
