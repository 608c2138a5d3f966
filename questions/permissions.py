"""Who may do and see what, in one place.

Views, services and templates ask these functions; none repeats a rule.
Members are signed-in, active accounts; moderators (``User.is_moderator``:
staff in the Moderators group, or a superuser) may do anything a member's
content allows, everywhere.
"""

from accounts.models import User
from questions.models import (
    Answer,
    Comment,
    CommentStatus,
    Proposal,
    ProposalStatus,
    Question,
    Status,
)


def is_member(user) -> bool:
    return user.is_authenticated and user.is_active


def is_moderator(user) -> bool:
    return user.is_authenticated and user.is_moderator


def can_edit(user: User, owner_id: int | None) -> bool:
    """Owners edit their own content; moderators edit anyone's."""
    if not is_member(user):
        return False
    return user.is_moderator or (owner_id is not None and owner_id == user.pk)


def is_owner(user, owner_id: int | None) -> bool:
    """``user`` wrote it (deleting an answer is its author's alone)."""
    return user.is_authenticated and owner_id is not None and owner_id == user.pk


def can_review(user: User, answer: Answer) -> bool:
    """The answer's author reviews proposals; moderators review any, AI answers above all."""
    return can_edit(user, answer.author_id)


def is_published(target: Question | Answer | Comment) -> bool:
    """Published for every reader, and so is everything it hangs on: what members
    may act on and visitors may see."""
    match target:
        case Question():
            return target.status == Status.PUBLISHED
        case Answer():
            return target.status == Status.PUBLISHED and is_published(target.question)
        case Comment():
            parent = target.answer if target.answer_id is not None else target.question
            return target.status == CommentStatus.PUBLISHED and is_published(parent)
    raise TypeError(f"Not community content: {target!r}")


def can_view_question(user, question: Question) -> bool:
    """Published questions are public; a pending one only to its author and moderators."""
    if question.status == Status.PUBLISHED:
        return True
    if is_moderator(user):
        return True
    return (
        user.is_authenticated
        and question.status == Status.PENDING
        and question.submitted_by_id == user.pk
    )


def can_view_proposal(user, proposal: Proposal) -> bool:
    """Accepted proposals are public (they are part of the answer's history).

    Pending, rejected and withdrawn ones are seen by the proposer, the people
    who can review them and moderators. On hidden content, only moderators.
    """
    if is_moderator(user):
        return True
    if not is_published(proposal.answer):
        return False
    if proposal.status == ProposalStatus.ACCEPTED:
        return True
    return is_owner(user, proposal.author_id) or can_review(user, proposal.answer)


def can_reach_comment(user, comment: Comment) -> bool:
    """A comment under hidden content is out of members' reach; moderators tidy it."""
    return is_moderator(user) or is_published(comment)
