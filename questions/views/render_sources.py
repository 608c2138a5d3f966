"""What the question page's fragments are rendered from, kept in this process.

A fragment is rendered when a reader's view of an answer (or of the question's
comments) is new to this process: a member who voted, commented or wrote an
answer there. Rendering one needs the answers as models with their comments,
pending proposals, verdict notes and correctors: five queries and their
model objects, which used to be loaded again for every such reader. They are
kept here per question and generation (which every change to them renews, as
it does the fragments' keys), for the last ``MAX_PAGES`` pages.

What is kept is shared by the process's requests and threads and never
changed once kept: a render marks what is the reader's (``can_edit`` on a
comment, ``mine`` on a proposal) on copies (:func:`for_reader`).
"""

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.db.models import Prefetch

from questions import selectors
from questions.models import Answer, Comment, Proposal, ProposalStatus

MAX_PAGES = 32  # the 30 answers and 100 comments of the benchmark's page hold 0.7 MB

_kept: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def full_answers(question_id: int, ids: Iterable[int] | None = None):
    """The question's published answers (or those of ``ids``) with what their
    fragments show: author, pending proposals, listed comments."""
    pending = Proposal.objects.filter(status=ProposalStatus.PENDING).select_related("author")
    if ids is None:
        answers = Answer.objects.filter(question_id=question_id).published()
    else:
        answers = Answer.objects.filter(pk__in=ids)
    return answers.select_related("author").prefetch_related(
        Prefetch("proposals", queryset=pending, to_attr="pending_proposals"),
        selectors.answer_comments(),
    )


def _kept_value(key: tuple, generation: str, load: Callable[[], object]):
    """``load()``'s value, kept under ``key`` while the generation is not ""."""
    if generation:
        with _lock:
            if key in _kept:
                _kept.move_to_end(key)
                return _kept[key]
    value = load()
    if generation:
        with _lock:
            _kept[key] = value
            while len(_kept) > MAX_PAGES * 2:
                _kept.popitem(last=False)
    return value


def answers(
    question_id: int, ids: tuple[int, ...], generation: str, loaded: dict[int, Answer] | None
) -> dict[int, Answer]:
    """The answers ``ids`` by id, ready to render: ``loaded`` are those the
    request has loaded already (its shared page was built just now), if any."""

    def load() -> dict[int, Answer]:
        found = loaded if loaded is not None else {a.pk: a for a in full_answers(question_id, ids)}
        selectors.attach_verdicts(list(found.values()), None, mine=False)
        return found

    return _kept_value(("answers", question_id, generation), generation, load)


def question_comments(
    question_id: int, generation: str, loaded: list[Comment] | None
) -> list[Comment]:
    """The comments listed under the question itself."""

    def load() -> list[Comment]:
        if loaded is not None:
            return loaded
        return list(selectors.visible_comments().filter(question_id=question_id))

    return _kept_value(("comments", question_id, generation), generation, load)


def for_reader(items: Iterable, **marks: Callable[[object], object]) -> list:
    """Copies of ``items``, each with the attributes ``marks`` compute for it,
    e.g. ``for_reader(comments, can_edit=lambda c: c.pk in mine)``: the kept
    objects themselves are never changed."""
    marked = []
    for item in items:
        item = copy.copy(item)
        for name, mark in marks.items():
            setattr(item, name, mark(item))
        marked.append(item)
    return marked
