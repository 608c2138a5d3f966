"""Practice that checks you: the typed answer against the best answer, and undo.

A member may type an answer before revealing a card (optional per session). On
reveal the page shows it beside the best answer, with a word-level diff and
the best answer's key points (the first sentence of each paragraph or list
item) ticked when the typed text mentions them. The typed answer is kept,
privately, on the review log when the card is rated. Undo takes back the last
rating: the card's fields as they were before it (kept on the review) and no
log entry.
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, QuerySet

from accounts.models import User
from questions.diff import Diff, compare
from questions.models import Answer
from questions.similar import content_words, stem

from . import cardstate, empirical
from .heatmap import year_heatmap
from .models import Bookmark, Review
from .services import StudyError

MAX_POINTS = 12
POINT_CHARS = 240
# A key point counts as mentioned when the typed text has this share of its
# content words (compared by light stems: "losses" meets "loss", "scaling"
# meets "scaled").
MENTION_SHARE = 0.5


# Keys of the member's session, read and written by the practice views.
TYPING_KEY = "practice_typing"  # the member types answers in this session
UNDO_KEY = "practice_undo"  # the review the member may still take back


class CannotUndo(StudyError):
    pass


# --- Undo -------------------------------------------------------------------------------


@transaction.atomic
def undo_review(*, user: User, review: Review) -> Bookmark:
    """Take back the member's last rating: the card returns to its exact prior
    state, the log entry goes, and a first review stops counting towards the
    question's empirical difficulty. Only the latest review can be undone."""
    bookmark = Bookmark.all_objects.select_for_update().get(pk=review.bookmark_id)
    if bookmark.user_id != user.pk:
        raise CannotUndo("This is not your rating.")
    latest = (
        Review.objects.filter(bookmark__user=user)
        .order_by("-reviewed_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if (
        latest != review.pk
        or review.prior_card is None
        or bookmark.last_review != (review.reviewed_at)
    ):
        raise CannotUndo("Only your last rating can be undone.")
    cardstate.restore(bookmark, review.prior_card)
    bookmark.save(update_fields=cardstate.CARD_FIELDS)
    if review.prior_card.get("state") is None:
        empirical.count_first_review(
            question_id=bookmark.question_id, rating=review.rating, step=-1
        )
    review.delete()
    return bookmark


# --- Typed answers ----------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPoint:
    text: str
    mentioned: bool


@dataclass(frozen=True)
class AnswerCheck:
    """What the page shows after a typed answer is revealed."""

    typed: str
    diff: Diff | None = None
    points: list[KeyPoint] = field(default_factory=list)

    @property
    def mentioned(self) -> int:
        return sum(point.mentioned for point in self.points)


_FENCE = re.compile(r"^\s*(```|~~~)")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SKIP = re.compile(r"^\s*(?:#|\||<|-{3,}|\*{3,}|_{3,})")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`|~~)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'$])")


_LINE_MARKS = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|(?:[-*+]|\d+[.)])[ \t]+)", re.M)


def plain(markdown: str) -> str:
    """Markdown's words without its markup (links keep their text; list markers,
    headings' hashes and quotes' marks go)."""
    text = _LINE_MARKS.sub("", markdown.replace("\r\n", "\n"))
    return _MARKS.sub("", _LINK.sub(r"\1", text))


def _blocks(markdown: str) -> list[str]:
    """Paragraphs and list items, in order; code, headings and tables left out."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    in_code = False
    for line in markdown.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            in_code, current = not in_code, None
            continue
        if in_code or not line.strip() or _SKIP.match(line) or line.startswith("    "):
            current = None
            continue
        text = line.strip().lstrip(">").strip()
        if _ITEM.match(line):
            current = [_ITEM.sub("", line, count=1).strip()]
            blocks.append(current)
        elif current is None:
            current = [text]
            blocks.append(current)
        else:
            current.append(text)
    return [" ".join(block) for block in blocks if "".join(block).strip()]


def key_points(markdown: str) -> list[str]:
    """The first sentence of each paragraph or list item of an answer."""
    points: list[str] = []
    for block in _blocks(markdown):
        sentence = _SENTENCE_END.split(plain(block).strip(), maxsplit=1)[0].strip()
        if len(sentence) > POINT_CHARS:
            sentence = sentence[: POINT_CHARS - 1].rsplit(" ", 1)[0] + "…"
        if sentence and sentence not in points and content_words(sentence):
            points.append(sentence)
        if len(points) == MAX_POINTS:
            break
    return points


def mentions(typed_stems: set[str], point: str) -> bool:
    words = {stem(word) for word in content_words(point)}
    return bool(words) and len(words & typed_stems) >= MENTION_SHARE * len(words)


def check_answer(typed: str, answer: Answer | None) -> AnswerCheck:
    """The typed answer against the best answer (none: nothing to compare)."""
    typed = typed.replace("\r\n", "\n").strip()
    if answer is None:
        return AnswerCheck(typed=typed)
    typed_stems = {stem(word) for word in content_words(typed)}
    points = [KeyPoint(point, mentions(typed_stems, point)) for point in key_points(answer.body)]
    diff = compare(typed, plain(answer.body).strip()) if typed else None
    return AnswerCheck(typed=typed, diff=diff, points=points)


def typed_answers(bookmark: Bookmark) -> QuerySet[Review]:
    """The member's typed answers to this card, newest first (private: the caller
    has checked the bookmark is theirs)."""
    return (
        Review.objects.filter(bookmark=bookmark)
        .exclude(typed_answer="")
        .order_by("-reviewed_at", "-pk")
    )


def count_typed_answers(bookmarks: list[Bookmark]) -> None:
    """Set ``typed_count`` on a page of bookmarks, in one query."""
    ids = [bookmark.pk for bookmark in bookmarks]
    counts = (
        dict(
            Review.objects.filter(bookmark_id__in=ids)
            .exclude(typed_answer="")
            .values("bookmark_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("bookmark_id", "n")
        )
        if ids
        else {}
    )
    for bookmark in bookmarks:
        bookmark.typed_count = counts.get(bookmark.pk, 0)


def practice_checks(request, session, typed: tuple[int, str] | None) -> dict:
    """The practice page's context for this feature (the practice views add it):
    whether answers are typed, the check of a typed answer (``typed`` is the
    card's id and the text, for the card shown only), the rating that can be
    undone, and the year heatmap."""
    card = session.card
    check = None
    if typed is not None and card is not None and card.pk == typed[0]:
        check = check_answer(typed[1], card.best_answer)
    return {
        "typing": bool(request.session.get(TYPING_KEY)),
        "check": check,
        "undo_review": request.session.get(UNDO_KEY),
        "heatmap": year_heatmap(request.user, now=session.now),
    }
