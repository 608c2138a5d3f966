"""Moderation: hide, restore and publish content, work the flag and proposal
queues, merge duplicates. Every action leaves an audit record
(ModerationAction); nothing a member wrote is deleted.
"""

from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from accounts.models import User
from notifications import events as notify
from questions import pagecache
from questions.embeddings import tasks as embedding_tasks
from questions.models import (
    Answer,
    Comment,
    CommentStatus,
    Flag,
    FlagStatus,
    ModerationAction,
    Question,
    Status,
)
from questions.search import index_questions
from questions.topanswer import refresh_top_answer
from study.models import Bookmark, InterviewReport, Review

Kind = ModerationAction.Kind
Target = Question | Answer | Comment


def require_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_moderator):
        raise PermissionDenied("Only moderators can do that.")


def log(*, moderator: User, action: str, target, reason: str = "") -> ModerationAction:
    """Write the audit record of one moderator action."""
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        target_type=type(target).__name__.lower(),
        target_id=target.pk,
        target_repr=str(target)[:200],
        reason=reason.strip(),
    )


def log_if_moderating(user: User, owner_id: int | None, action: str, target) -> None:
    """Site actions a moderator takes on someone else's content are audited too."""
    if user.is_moderator and owner_id != user.pk:
        log(moderator=user, action=action, target=target)


def _resolve_open_flags(target: Target, moderator: User) -> int:
    field = type(target).__name__.lower()
    return Flag.objects.filter(status=FlagStatus.OPEN, **{field: target}).update(
        status=FlagStatus.RESOLVED, resolved_by=moderator, resolved_at=timezone.now()
    )


_VISIBLE = {Question: Status.PUBLISHED, Answer: Status.PUBLISHED, Comment: CommentStatus.PUBLISHED}
_HIDDEN = {Question: Status.HIDDEN, Answer: Status.HIDDEN, Comment: CommentStatus.HIDDEN}


def hide(*, moderator: User, target: Target, reason: str = "") -> bool:
    """Hide a question, answer or comment everywhere, and resolve its open flags."""
    changed = _set_status(moderator, target, _HIDDEN[type(target)], Kind.HIDE, reason)
    if changed:
        notify.content_hidden(target, moderator, reason)
    return changed


def restore(*, moderator: User, target: Target, reason: str = "") -> bool:
    """Bring hidden content back exactly as it was (counters and search too)."""
    return _set_status(moderator, target, _VISIBLE[type(target)], Kind.RESTORE, reason)


def publish(*, moderator: User, target: Question | Answer, reason: str = "") -> bool:
    """Publish a question or answer that waits for review."""
    changed = _set_status(moderator, target, Status.PUBLISHED, Kind.PUBLISH, reason)
    if changed and isinstance(target, Question):
        notify.question_published(target, moderator)
    return changed


@transaction.atomic
def _set_status(moderator: User, target: Target, status: str, action: str, reason: str) -> bool:
    """Change the status, keep counters and the search index exact, and log it.

    Returns False (and logs nothing) when the target already had that status.
    """
    require_moderator(moderator)
    model = type(target)
    target = model.objects.select_for_update().get(pk=target.pk)
    if target.status == status:
        return False
    if model is Comment and target.status == CommentStatus.DELETED:
        raise ValidationError("Its author deleted this comment; it stays deleted.")
    was_visible = target.status == _VISIBLE[model]
    target.status = status
    target.save(update_fields=["status", "updated_at"])
    is_visible = status == _VISIBLE[model]
    if model is Answer and was_visible != is_visible:
        Question.objects.filter(pk=target.question_id).update(
            answer_count=F("answer_count") + (1 if is_visible else -1)
        )
        index_questions([target.question_id])
        refresh_top_answer([target.question_id])
    if not is_visible:
        _resolve_open_flags(target, moderator)
    if model is Question:
        pagecache.site_changed()  # other questions' pages list it as related
        embedding_tasks.schedule([target.pk])  # its related questions, and its neighbours'
    else:
        question_id = target.question_id if model is Answer else target.page_question_id
        pagecache.question_changed(question_id)
    log(moderator=moderator, action=action, target=target, reason=reason)
    return True


@transaction.atomic
def set_featured(*, moderator: User, answer: Answer, featured: bool) -> bool:
    """The moderator's pick is shown first on the question page."""
    require_moderator(moderator)
    if answer.is_featured == featured:
        return False
    Answer.objects.filter(pk=answer.pk).update(is_featured=featured)
    answer.is_featured = featured
    refresh_top_answer([answer.question_id])
    pagecache.question_changed(answer.question_id)
    log(moderator=moderator, action=Kind.FEATURE if featured else Kind.UNFEATURE, target=answer)
    return True


# --- Flags ---------------------------------------------------------------------------


@transaction.atomic
def resolve_flag(*, moderator: User, flag: Flag, hide_target: bool, reason: str = "") -> None:
    """Act on a flag: hide the content (which resolves every open flag on it) or keep it."""
    require_moderator(moderator)
    if flag.status != FlagStatus.OPEN:
        raise ValidationError("This flag is already closed.")
    if hide_target:
        hide(moderator=moderator, target=flag.target, reason=reason or flag.get_reason_display())
    Flag.objects.filter(pk=flag.pk, status=FlagStatus.OPEN).update(
        status=FlagStatus.RESOLVED, resolved_by=moderator, resolved_at=timezone.now()
    )
    log(moderator=moderator, action=Kind.RESOLVE_FLAG, target=flag, reason=reason)


@transaction.atomic
def dismiss_flag(*, moderator: User, flag: Flag, reason: str = "") -> None:
    """The report does not hold: close it, change nothing else."""
    require_moderator(moderator)
    if flag.status != FlagStatus.OPEN:
        raise ValidationError("This flag is already closed.")
    Flag.objects.filter(pk=flag.pk).update(
        status=FlagStatus.DISMISSED, resolved_by=moderator, resolved_at=timezone.now()
    )
    log(moderator=moderator, action=Kind.DISMISS_FLAG, target=flag, reason=reason)


# --- Duplicates ----------------------------------------------------------------------


@transaction.atomic
def merge_questions(
    *, moderator: User, duplicate: Question, into: Question, reason: str = ""
) -> Question:
    """Fold a duplicate into the question that stays.

    Answers (with their votes, comments and history), comments on the
    question, bookmarks (with their notes and practice cards: ``_merge_bookmarks``),
    interview reports and topics move; the duplicate is hidden and its address
    redirects to the kept question.
    """
    require_moderator(moderator)
    if duplicate.pk == into.pk:
        raise ValidationError("A question cannot be merged into itself.")
    duplicate, into = (
        Question.objects.select_for_update().get(pk=duplicate.pk),
        Question.objects.select_for_update().get(pk=into.pk),
    )
    if into.merged_into_id is not None:
        raise ValidationError(f"“{into}” was itself merged away; merge into the kept question.")
    if into.status != Status.PUBLISHED:
        raise ValidationError(f"“{into}” is not published: merge into a published question.")

    moved_published = duplicate.answers.filter(status=Status.PUBLISHED).count()
    duplicate.answers.update(question=into)
    duplicate.comments.update(question=into)

    _merge_bookmarks(duplicate=duplicate, into=into)
    # Interview reports move unless the member already reported the kept question
    # that year; those stay with the (hidden) duplicate, nothing is lost.
    for year in duplicate.interview_reports.values_list("year", flat=True).distinct():
        reported = InterviewReport.objects.filter(question=into, year=year).values("user_id")
        duplicate.interview_reports.filter(year=year).exclude(user_id__in=reported).update(
            question=into
        )

    into.topics.add(*duplicate.topics.all())
    notify.question_merged(duplicate, into)
    Question.objects.filter(pk=into.pk).update(
        answer_count=F("answer_count") + moved_published,
        bookmark_count=into.bookmarks.count(),
    )
    Question.objects.filter(pk=duplicate.pk).update(
        status=Status.HIDDEN,
        merged_into=into,
        answer_count=0,
        bookmark_count=duplicate.bookmarks.count(),
    )
    index_questions([into.pk, duplicate.pk])
    refresh_top_answer([into.pk, duplicate.pk])
    pagecache.site_changed()
    _resolve_open_flags(duplicate, moderator)
    log(
        moderator=moderator,
        action=Kind.MERGE,
        target=duplicate,
        reason=reason or f"into #{into.pk}",
    )
    into.refresh_from_db()
    return into


# A member who bookmarked both questions: the notes are joined with a rule.
NOTE_SEPARATOR = "\n\n---\n\n"
_CARD_FIELDS = ("due", "state", "step", "stability", "difficulty", "last_review", "last_rating")
_NEVER = datetime.min.replace(tzinfo=UTC)


def _merge_bookmarks(*, duplicate: Question, into: Question) -> None:
    """Move the duplicate's bookmarks to the kept question, each with its private
    note, its practice card and its review log.

    A member who bookmarked both keeps one bookmark, the kept question's, which
    takes everything of the other: the notes are joined (the kept question's
    first, then ``NOTE_SEPARATOR``, then the duplicate's; the result may run past
    the note's usual length: nothing is cut), the review logs are joined, the
    practice card is the one reviewed more often (on a tie the one reviewed
    last, else the kept question's), and the earlier bookmarking date stays.
    The duplicate's bookmark, emptied, is then deleted. Removed bookmarks move
    and join too (their notes stay recoverable); the joined one is removed only
    if both were.
    """
    members = Bookmark.all_objects.filter(question=duplicate).values("user_id")
    kept = {
        bookmark.user_id: bookmark
        for bookmark in Bookmark.all_objects.select_for_update().filter(
            question=into, user_id__in=members
        )
    }
    folded = list(
        Bookmark.all_objects.select_for_update().filter(question=duplicate, user_id__in=list(kept))
    )
    reviews = dict(
        Review.objects.filter(bookmark__in=[*kept.values(), *folded])
        .order_by()
        .values("bookmark")
        .annotate(n=Count("pk"))
        .values_list("bookmark", "n")
    )

    def weight(bookmark: Bookmark) -> tuple[int, datetime]:
        return reviews.get(bookmark.pk, 0), bookmark.last_review or _NEVER

    for old in folded:
        new = kept[old.user_id]
        new.note = NOTE_SEPARATOR.join(note for note in (new.note, old.note) if note.strip())
        new.render()
        if weight(old) > weight(new):
            for name in _CARD_FIELDS:
                setattr(new, name, getattr(old, name))
        new.created_at = min(new.created_at, old.created_at)
        if new.removed_at is not None:
            new.removed_at = None if old.removed_at is None else max(new.removed_at, old.removed_at)
        new.save(update_fields=["note", "note_html", "created_at", "removed_at", *_CARD_FIELDS])
        Review.objects.filter(bookmark=old).update(bookmark=new)
    Bookmark.all_objects.filter(pk__in=[bookmark.pk for bookmark in folded]).delete()
    Bookmark.all_objects.filter(question=duplicate).update(question=into)
