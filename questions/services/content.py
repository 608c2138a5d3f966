"""Creating and changing questions, answers, votes and comments.

Every write that touches more than one row lives in questions.services, with
its permission check; views, the admin and commands call these functions and
never write counters or revisions themselves.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from accounts.models import User
from notifications import events as notify
from questions import pagecache
from questions.models import (
    Answer,
    AnswerRevision,
    Comment,
    CommentStatus,
    Difficulty,
    ModerationAction,
    Origin,
    Question,
    Source,
    Status,
    Topic,
    Verification,
    Vote,
)
from questions.search import index_questions
from questions.topanswer import refresh_top_answer

from .moderation import log, require_moderator


def _require_member(user: User) -> None:
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied("Log in to do that.")


# A member who sends the same text to the same place within this time gets the
# first one back instead of a copy: a double click, or a post sent again.
REPEAT_WINDOW = timedelta(minutes=1)


class Repeated(Exception):
    """Nothing new was stored: ``existing`` is the same text, posted a moment ago."""

    def __init__(self, existing: "Answer | Comment") -> None:
        super().__init__(f"You posted this {type(existing).__name__.lower()} a moment ago.")
        self.existing = existing


def lock_member(user: User) -> None:
    """Serialise one member's posts until the transaction ends.

    Two identical posts sent together (a double click) then run one after the
    other, and the second sees the first. SQLite's IMMEDIATE transactions
    already run one at a time; PostgreSQL needs the row lock.
    """
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def recent_repeat(queryset, **same):
    """The newest row of ``queryset`` with these values, made within REPEAT_WINDOW, or None."""
    since = timezone.now() - REPEAT_WINDOW
    return queryset.filter(created_at__gte=since, **same).order_by("-pk").first()


VoteChoice = Literal["up", "down", "clear"]
_VOTE_VALUES: dict[str, int] = {"up": Vote.UP, "down": Vote.DOWN, "clear": 0}


@transaction.atomic
def create_question(
    *,
    title: str,
    body: str = "",
    source: Source | None = None,
    source_reference: str = "",
    difficulty: str = Difficulty.UNRATED,
    topics: Iterable[Topic] = (),
    submitted_by: User | None = None,
    status: str = Status.PUBLISHED,
) -> Question:
    question = Question(
        title=title.strip(),
        body=body,
        source=source,
        source_reference=source_reference,
        difficulty=difficulty,
        submitted_by=submitted_by,
        status=status,
    )
    question.render()
    question.save()
    question.topics.set(topics)
    index_questions([question.pk])
    if status == Status.PUBLISHED:
        pagecache.question_changed(question.pk)
    return question


@transaction.atomic
def save_question(*, editor: User, question: Question, changed: Iterable[str] = ()) -> Question:
    """A question written by a moderator in the admin: rendered, saved, indexed and,
    when an existing question changed, recorded in the audit log with the fields."""
    require_moderator(editor)
    adding, changed = question.pk is None, list(changed)
    question.render()
    question.save()
    index_questions([question.pk])
    if not adding and changed:
        log(
            moderator=editor,
            action=ModerationAction.Kind.EDIT,
            target=question,
            reason="changed " + ", ".join(changed),
        )
    pagecache.question_changed(question.pk)
    return question


@transaction.atomic
def create_answer(
    *,
    question: Question,
    body: str,
    author: User | None = None,
    origin: str = Origin.COMMUNITY,
    ai_model: str = "",
    status: str = Status.PUBLISHED,
    is_featured: bool = False,
) -> Answer:
    """Store an answer with its first revision and count it on the question."""
    if origin == Origin.COMMUNITY and author is None:
        raise ValueError("A community answer needs an author.")
    answer = Answer(
        question=question,
        body=body,
        author=author,
        origin=origin,
        ai_model=ai_model if origin == Origin.AI else "",
        status=status,
        is_featured=is_featured,
        revision_count=1,
    )
    answer.render()
    answer.save()
    first = AnswerRevision(
        answer=answer, number=1, body=body, author=author, summary="Original answer"
    )
    first.compare_with(None)
    first.save()
    if status == Status.PUBLISHED:
        Question.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1)
        index_questions([question.pk])
        refresh_top_answer([question.pk])
        pagecache.question_changed(question.pk)
    return answer


@transaction.atomic
def cast_vote(*, user: User, answer: Answer, choice: VoteChoice) -> Answer:
    """Vote an answer up or down, or clear the vote; returns the fresh answer.

    The Vote row and the answer's denormalised counters change in one
    transaction, with F() updates, so concurrent votes keep the score exact.
    """
    if choice not in _VOTE_VALUES:
        raise ValueError(f"Unknown vote {choice!r}: use up, down or clear.")
    _require_member(user)
    if answer.author_id is not None and answer.author_id == user.pk:
        raise PermissionDenied("You cannot vote on your own answer.")
    if answer.status != Status.PUBLISHED or answer.question.status != Status.PUBLISHED:
        raise PermissionDenied("This answer is not open for votes.")

    new = _VOTE_VALUES[choice]
    # The answer's row first: two first votes of one member (a double click)
    # then queue here instead of both inserting and one failing on the
    # unique constraint. The score update below locks this row anyway.
    Answer.objects.select_for_update().filter(pk=answer.pk).values_list("pk").first()
    existing = Vote.objects.select_for_update().filter(user=user, answer=answer).first()
    old = existing.value if existing else 0
    if new == old:
        return answer
    if existing and new:
        existing.value = new
        existing.save(update_fields=["value", "updated_at"])
    elif existing:
        existing.delete()
    else:
        Vote.objects.create(user=user, answer=answer, value=new)

    up = (new == Vote.UP) - (old == Vote.UP)
    down = (new == Vote.DOWN) - (old == Vote.DOWN)
    Answer.objects.filter(pk=answer.pk).update(
        score=F("score") + (new - old),
        upvotes=F("upvotes") + up,
        downvotes=F("downvotes") + down,
    )
    answer.refresh_from_db(fields=["score", "upvotes", "downvotes"])
    refresh_top_answer([answer.question_id])
    # The lists show scores too, but follow votes only within their own timeout.
    pagecache.question_page_changed(answer.question_id)
    return answer


@transaction.atomic
@transaction.atomic
def add_comment(
    *,
    author: User,
    body: str,
    answer: Answer | None = None,
    question: Question | None = None,
) -> Comment:
    if (answer is None) == (question is None):
        raise ValueError("A comment goes on exactly one answer or one question.")
    _require_member(author)
    target_question = question or answer.question
    if target_question.status != Status.PUBLISHED or (
        answer is not None and answer.status != Status.PUBLISHED
    ):
        raise PermissionDenied("Comments are closed on content that is not published.")
    lock_member(author)
    on = {"answer": answer} if answer is not None else {"question": question}
    mine = Comment.objects.filter(author=author, status=CommentStatus.PUBLISHED, **on)
    if earlier := recent_repeat(mine, body=body):
        raise Repeated(earlier)
    comment = Comment(author=author, body=body, answer=answer, question=question)
    comment.render()
    comment.save()
    pagecache.question_page_changed(target_question.pk)
    notify.comment_posted(comment)
    return comment


@transaction.atomic
def revise_answer(
    *, answer: Answer, body: str, author: User | None = None, summary: str = ""
) -> AnswerRevision:
    """Make ``body`` the answer's text, kept as its next numbered revision."""
    return _revise_answers([(answer, body, summary)], author=author)[0]


def _revise_answers(
    changes: list[tuple[Answer, str, str]],
    *,
    author: User | None = None,
    reindex: bool = True,
    diffs: bool = True,
) -> list[AnswerRevision]:
    """New text for many answers at once: each gets its next numbered revision.

    The answer rows are locked first, so the revision numbers (and
    ``revision_count``) stay exact when two edits race. Call inside a
    transaction. Each revision stores its diff against the one before, unless
    ``diffs`` is false (a bulk import: the history page computes it when first
    shown).
    """
    if len({answer.pk for answer, _, _ in changes}) != len(changes):
        raise ValueError("Each answer can be revised once per call.")
    locked: dict[int, tuple[int, str]] = {}
    states: dict[int, tuple[str, str, bool]] = {}
    for chunk in _chunks([answer.pk for answer, _, _ in changes]):
        rows = Answer.objects.select_for_update().filter(pk__in=chunk)
        for pk, count, status, origin, state, corrected in rows.values_list(
            "pk", "revision_count", "status", "origin", "verification", "corrected_at"
        ):
            locked[pk] = (count, status)
            states[pk] = (origin, state, corrected is not None)
    previous = _latest_revisions(list(locked)) if diffs else {}
    max_summary = AnswerRevision._meta.get_field("summary").max_length
    revisions = []
    for answer, body, summary in changes:
        count, _ = locked[answer.pk]
        answer.body = body
        answer.render()
        answer.revision_count = count + 1
        revision = AnswerRevision(
            answer=answer,
            number=count + 1,
            body=body,
            author=author,
            summary=summary[:max_summary],
        )
        if diffs:
            revision.compare_with(previous.get(answer.pk))
        revisions.append(revision)
    answers = [answer for answer, _, _ in changes]
    Answer.objects.bulk_update(answers, ["body", "body_html"], batch_size=500)
    now = timezone.now()
    for chunk in _chunks([answer.pk for answer in answers]):
        Answer.objects.filter(pk__in=chunk).update(
            revision_count=F("revision_count") + 1,
            updated_at=now,
            verification_changed_at=now,
            **_UNREVIEWED,
        )
    for answer in answers:
        answer.updated_at = now
    AnswerRevision.objects.bulk_create(revisions, batch_size=1000)
    _restart_verification(answers, states, author=author, now=now)
    if reindex:
        published = {
            answer.question_id
            for answer, _, _ in changes
            if locked[answer.pk][1] == Status.PUBLISHED
        }
        for chunk in _chunks(sorted(published), size=2000):
            index_questions(chunk)
    # New text starts unreviewed, which can move an answer in the ranking.
    refresh_top_answer({answer.question_id for answer in answers})
    pagecache.question_changed(*{answer.question_id for answer in answers})
    return revisions


# What a new revision does to an answer's verification (set with its revision count).
_UNREVIEWED = {
    "verification": Verification.UNREVIEWED,
    "verdicts_correct": 0,
    "verdicts_partly": 0,
    "verdicts_wrong": 0,
    "verification_confirmed_by": None,
}


def _restart_verification(
    answers: list[Answer],
    states: dict[int, tuple[str, str, bool]],
    *,
    author: User | None,
    now: datetime,
) -> None:
    """New text starts unreviewed (``_UNREVIEWED``, stored with the revision
    count): earlier verdicts stay on their revision and stop counting, and a
    moderator's confirmation no longer applies. An AI answer judged wrong or
    disputed that a member changed counts as corrected; its first correction
    is kept, since it says how the AI's own draft fared."""
    corrected: dict[str, list[int]] = {Verification.WRONG: [], Verification.DISPUTED: []}
    for answer in answers:
        origin, state, was_corrected = states[answer.pk]
        if author is not None and origin == Origin.AI and state in corrected and not was_corrected:
            corrected[state].append(answer.pk)
            answer.corrected_at, answer.corrected_from = now, state
        for name, value in _UNREVIEWED.items():
            setattr(answer, name, value)
        answer.verification_changed_at = now
    for state, pks in corrected.items():
        if pks:
            Answer.objects.filter(pk__in=pks).update(corrected_at=now, corrected_from=state)


def _latest_revisions(answer_ids: list[int]) -> dict[int, AnswerRevision]:
    """The newest revision of each answer (number and body), by answer id."""
    newer = AnswerRevision.objects.filter(
        answer_id=OuterRef("answer_id"), number__gt=OuterRef("number")
    )
    found: dict[int, AnswerRevision] = {}
    for chunk in _chunks(answer_ids):
        rows = AnswerRevision.objects.filter(~Exists(newer), answer_id__in=chunk)
        found.update((row.answer_id, row) for row in rows.only("answer_id", "number", "body"))
    return found


def _chunks(items: list, size: int = 900) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
