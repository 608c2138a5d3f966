"""Community actions: answers, edits, proposals, comments, flags, new questions."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from notifications import events as notify
from questions import pagecache
from questions.models import (
    Answer,
    AnswerRevision,
    AnswerStatus,
    Comment,
    CommentStatus,
    Flag,
    FlagStatus,
    Origin,
    Proposal,
    ProposalStatus,
    Question,
    Source,
    Status,
    Topic,
)
from questions.permissions import can_edit, can_review, is_published
from questions.search import index_questions
from questions.topanswer import refresh_top_answer

from .content import (
    Repeated,
    _require_member,
    create_answer,
    create_question,
    lock_member,
    recent_repeat,
    revise_answer,
)
from .moderation import Kind, log, log_if_moderating


class Conflict(Exception):
    """The answer changed since the proposal was written; the reviewer must look again."""


def _require_owner_or_moderator(user: User, owner_id: int | None, what: str) -> None:
    _require_member(user)
    if not can_edit(user, owner_id):
        raise PermissionDenied(f"Only the author of this {what} or a moderator can do that.")


def _require_published_answer(answer: Answer) -> None:
    if not is_published(answer):
        raise PermissionDenied("This answer is not published.")


def _require_comment_in_reach(user: User, comment: Comment, doing: str) -> None:
    """Members touch their comments only while the comment and its page are published.

    Moderators may still tidy comments under hidden content.
    """
    if user.is_moderator:
        return
    if comment.status != CommentStatus.PUBLISHED:
        raise PermissionDenied(f"This comment was hidden by a moderator: you cannot {doing} it.")
    if not is_published(comment):
        raise PermissionDenied(
            f"This comment is on a hidden or unpublished page: you cannot {doing} it."
        )


def current_revision(answer: Answer) -> AnswerRevision | None:
    return answer.revisions.order_by("-number").first()


def revision_history(answer: Answer) -> list[AnswerRevision]:
    """The answer's revisions, oldest first, each with its diff against the one before.

    Diffs are stored when a revision is made. A revision without one (made
    before diffs were stored, or imported) or whose stored diff is against a
    revision deleted since is compared here, once, and saved. Bodies are only
    read for those.
    """
    revisions = list(
        answer.revisions.select_related("author", "proposal__author").defer(
            "body", "proposal__body"
        )
    )
    stale = [
        (revision, revisions[index - 1] if index else None)
        for index, revision in enumerate(revisions)
        if revision.diff_base != (revisions[index - 1].number if index else 0)
    ]
    if stale:
        wanted = {revision.pk for pair in stale for revision in pair if revision is not None}
        bodies = dict(AnswerRevision.objects.filter(pk__in=wanted).values_list("pk", "body"))
        for revision, previous in stale:
            revision.body = bodies[revision.pk]
            if previous is not None:
                previous.body = bodies[previous.pk]
            revision.compare_with(previous)
        AnswerRevision.objects.bulk_update(
            [revision for revision, _ in stale], ["diff_html", "diff_base", "diff_coarse"]
        )
    return revisions


@transaction.atomic
@transaction.atomic
def answer_question(*, user: User, question: Question, body: str) -> Answer:
    """A member's own answer to a published question.

    The same text from the same member on the same question within a minute
    raises Repeated with the first answer: a double click posts once.
    """
    _require_member(user)
    if question.status != Status.PUBLISHED:
        raise PermissionDenied("This question is not open for answers.")
    lock_member(user)
    mine = Answer.objects.filter(question=question, author=user, status=Status.PUBLISHED)
    if earlier := recent_repeat(mine, body=body):
        raise Repeated(earlier)
    answer = create_answer(question=question, body=body, author=user, origin=Origin.COMMUNITY)
    notify.answer_posted(answer)
    return answer


@transaction.atomic
def edit_answer(*, user: User, answer: Answer, body: str, summary: str = "") -> AnswerRevision:
    """The author (or a moderator) rewrites an answer: a new revision."""
    _require_owner_or_moderator(user, answer.author_id, "answer")
    _require_published_answer(answer)
    if body.strip() == answer.body.strip():
        raise ValidationError("Nothing changed.")
    revision = revise_answer(answer=answer, body=body, author=user, summary=summary or "Edited")
    log_if_moderating(user, answer.author_id, Kind.EDIT, answer)
    return revision


@transaction.atomic
def rollback_answer(*, user: User, answer: Answer, number: int) -> AnswerRevision:
    """Bring back the text of an earlier revision, as a new revision."""
    _require_owner_or_moderator(user, answer.author_id, "answer")
    _require_published_answer(answer)
    target = answer.revisions.filter(number=number).first()
    if target is None:
        raise ValidationError(f"Answer #{answer.pk} has no revision {number}.")
    if target.body == answer.body:
        raise ValidationError("That revision is already the current text.")
    revision = revise_answer(
        answer=answer, body=target.body, author=user, summary=f"Rolled back to revision {number}"
    )
    log_if_moderating(user, answer.author_id, Kind.ROLLBACK, answer)
    return revision


def deletion_refusal(answer: Answer) -> str:
    """Why the author may not delete this answer, or "" if they may.

    An answer that took in other members' accepted proposals is partly their
    work (and their reputation): it stays; the author can still edit it.
    """
    others = (
        answer.proposals.filter(status=ProposalStatus.ACCEPTED)
        .exclude(author_id=answer.author_id)
        .values("author_id")
        .distinct()
        .count()
    )
    if not others:
        return ""
    who = "another member" if others == 1 else f"{others} other members"
    return (
        f"This answer includes accepted improvements by {who}, so it cannot be deleted. "
        "You can still edit it, or flag it for a moderator."
    )


@transaction.atomic
def delete_answer(*, user: User, answer: Answer) -> Answer:
    """The author deletes their own published answer.

    A soft delete with the same consequences as a moderator hiding it: it
    leaves the question page, its votes and the proposals accepted into it stop
    counting towards reputation, the question's answer count and search text
    drop it. The answer, its revisions, votes and comments are kept; a
    moderator can restore it in the admin (``moderation.restore``), which
    brings all of that back. Recorded in the audit log with the author as actor.
    Deleting an answer already deleted changes nothing.
    """
    _require_member(user)
    answer = Answer.objects.select_for_update().select_related("question").get(pk=answer.pk)
    if answer.author_id is None or answer.author_id != user.pk:
        raise PermissionDenied("Only the author of this answer can delete it.")
    if answer.status == AnswerStatus.DELETED:
        return answer
    if answer.status != AnswerStatus.PUBLISHED:
        raise PermissionDenied("This answer is not published: a moderator looks after it now.")
    if refusal := deletion_refusal(answer):
        raise ValidationError(refusal)
    answer.status = AnswerStatus.DELETED
    answer.save(update_fields=["status", "updated_at"])
    Question.objects.filter(pk=answer.question_id).update(answer_count=F("answer_count") - 1)
    index_questions([answer.question_id])
    refresh_top_answer([answer.question_id])
    pagecache.question_changed(answer.question_id)
    log(moderator=user, action=Kind.DELETE, target=answer, reason="deleted by its author")
    return answer


@transaction.atomic
def propose_answer(*, user: User, answer: Answer, body: str, reason: str) -> Proposal:
    """Propose a better version of someone else's answer."""
    _require_member(user)
    _require_published_answer(answer)
    if answer.author_id == user.pk:
        raise PermissionDenied("This is your answer: edit it instead of proposing.")
    if body.strip() == answer.body.strip():
        raise ValidationError("Your version is the same as the current answer.")
    # Serialise proposals on this answer, so a double submit finds the first.
    Answer.objects.select_for_update().filter(pk=answer.pk).values_list("pk").first()
    if Proposal.objects.filter(answer=answer, author=user, status=ProposalStatus.PENDING).exists():
        raise ValidationError(
            "You already have a proposal waiting on this answer. Withdraw it to send another."
        )
    proposal = Proposal.objects.create(
        answer=answer,
        author=user,
        body=body,
        reason=reason.strip(),
        base_revision=current_revision(answer),
    )
    # Its author, the answer's author and moderators see it on the question page.
    pagecache.question_page_changed(answer.question_id)
    notify.proposal_made(proposal)
    return proposal


def _pending(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != ProposalStatus.PENDING:
        raise ValidationError(f"This proposal was already {locked.get_status_display().lower()}.")
    return locked


@transaction.atomic
def accept_proposal(
    *, user: User, proposal: Proposal, seen_revision: int | None = None
) -> AnswerRevision:
    """Make the proposal the answer's text: a new revision credited to the proposer.

    If the answer changed after the proposal was written, acceptance needs the
    reviewer to have seen the current revision (``seen_revision``), otherwise
    ``Conflict`` is raised.
    """
    answer = proposal.answer
    if not can_review(user, answer):
        raise PermissionDenied("Only the answer's author or a moderator can review proposals.")
    # Lock the answer before reading its current revision: two reviewers accepting
    # two proposals at once must not both see the same base and both succeed.
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    proposal = _pending(proposal)
    _require_published_answer(answer)
    current = current_revision(answer)
    if current and proposal.base_revision_id != current.pk and seen_revision != current.number:
        raise Conflict(
            f"The answer changed after this proposal was written (now revision "
            f"{current.number}). Compare it with the current text before accepting."
        )
    revision = revise_answer(
        answer=answer,
        body=proposal.body,
        author=proposal.author,
        summary=f"Accepted proposal: {proposal.reason}",
    )
    revision.proposal = proposal
    revision.save(update_fields=["proposal"])
    proposal.status = ProposalStatus.ACCEPTED
    proposal.reviewed_by = user
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    log_if_moderating(user, answer.author_id, Kind.ACCEPT_PROPOSAL, proposal)
    # revise_answer renewed the page and the lists (the search text changed).
    notify.proposal_reviewed(proposal)
    return revision


@transaction.atomic
def reject_proposal(*, user: User, proposal: Proposal, reason: str = "") -> Proposal:
    """Reject with a reason for the proposer; a moderator reviewing someone
    else's answer must give one (the answer's author may)."""
    if not can_review(user, proposal.answer):
        raise PermissionDenied("Only the answer's author or a moderator can review proposals.")
    reason = reason.strip()
    if not reason and proposal.answer.author_id != user.pk:
        raise ValidationError("Give the proposer a reason for rejecting it.")
    max_length = Proposal._meta.get_field("rejection_reason").max_length
    if len(reason) > max_length:
        raise ValidationError(f"Keep the reason under {max_length} characters.")
    proposal = _pending(proposal)
    proposal.status = ProposalStatus.REJECTED
    proposal.reviewed_by = user
    proposal.reviewed_at = timezone.now()
    proposal.rejection_reason = reason
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
    log_if_moderating(user, proposal.answer.author_id, Kind.REJECT_PROPOSAL, proposal)
    pagecache.question_page_changed(proposal.answer.question_id)
    notify.proposal_reviewed(proposal)
    return proposal


@transaction.atomic
def withdraw_proposal(*, user: User, proposal: Proposal) -> Proposal:
    _require_member(user)
    if proposal.author_id != user.pk:
        raise PermissionDenied("Only the member who made this proposal can withdraw it.")
    proposal = _pending(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.save(update_fields=["status"])
    pagecache.question_page_changed(proposal.answer.question_id)
    return proposal


@transaction.atomic
def edit_comment(*, user: User, comment: Comment, body: str) -> Comment:
    _require_owner_or_moderator(user, comment.author_id, "comment")
    if comment.status != CommentStatus.PUBLISHED:
        raise PermissionDenied("This comment can no longer be edited.")
    _require_comment_in_reach(user, comment, "edit")
    comment.body = body
    comment.render()
    comment.save(update_fields=["body", "body_html", "updated_at"])
    pagecache.question_page_changed(comment.page_question_id)
    log_if_moderating(user, comment.author_id, Kind.EDIT, comment)
    return comment


@transaction.atomic
def delete_comment(*, user: User, comment: Comment) -> Comment:
    """The author removes their comment: it stays as "comment deleted"."""
    _require_owner_or_moderator(user, comment.author_id, "comment")
    if comment.status == CommentStatus.DELETED:
        return comment
    _require_comment_in_reach(user, comment, "delete")
    comment.status = CommentStatus.DELETED
    comment.save(update_fields=["status", "updated_at"])
    pagecache.question_page_changed(comment.page_question_id)
    log_if_moderating(user, comment.author_id, Kind.DELETE, comment)
    return comment


@transaction.atomic
def flag_content(
    *,
    user: User,
    target: Question | Answer | Comment,
    reason: str,
    note: str = "",
    duplicate_of: Question | None = None,
) -> Flag:
    """Report published content to the moderators; one open flag per member and target.

    Hidden or pending content is already out of readers' sight and in the
    moderators' hands: nobody flags it, moderators included (they restore or
    publish it instead).
    """
    _require_member(user)
    field = type(target).__name__.lower()
    if not is_published(target):
        raise PermissionDenied(
            f"You can only flag published content: this {field} is hidden or waiting for review."
        )
    # Serialise the member's flags, so a double submit finds the first.
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    if Flag.objects.filter(reporter=user, status=FlagStatus.OPEN, **{field: target}).exists():
        raise ValidationError(f"You have already flagged this {field}; a moderator will look.")
    if duplicate_of is not None and (
        not isinstance(target, Question) or duplicate_of.pk == target.pk
    ):
        raise ValidationError("A question can only be a duplicate of another question.")
    return Flag.objects.create(
        reporter=user,
        reason=reason,
        note=note.strip(),
        duplicate_of=duplicate_of,
        **{field: target},
    )


@transaction.atomic
def submit_question(
    *,
    user: User,
    title: str,
    body: str = "",
    source: Source | None = None,
    topics: Iterable[Topic] = (),
) -> Question:
    """A member's new question, held for a moderator (``pending``).

    The same title from the same member within a minute raises Repeated with
    the first (a double click on "Submit").
    """
    _require_member(user)
    lock_member(user)
    if earlier := recent_repeat(Question.objects.filter(submitted_by=user), title=title.strip()):
        raise Repeated(earlier)
    question = create_question(
        title=title,
        body=body,
        source=source,
        topics=topics,
        submitted_by=user,
        status=Status.PENDING,
    )
    notify.question_submitted(question)
    return question
