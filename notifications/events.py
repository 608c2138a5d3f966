"""The hooks the services call: one call per event, from inside the action's
transaction. Following what you wrote on is recorded with the action; telling
people runs as a task after the commit (``on_commit``), so it never slows or
breaks the action, and it waits in the queue while the worker is down.
"""

from django.db import transaction

from .models import Event, QuestionFollow


def _after_commit(task, *args, **kwargs) -> None:
    # robust: a queue that cannot take the task is logged, never the action's error.
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=True)


def follow(user_id: int | None, question_id: int) -> None:
    if user_id is not None:
        QuestionFollow.objects.bulk_create(
            [QuestionFollow(user_id=user_id, question_id=question_id)], ignore_conflicts=True
        )


def _notify(event: str, recipient_id: int | None, to_suspended: bool = False, **refs) -> None:
    from .tasks import notify

    if recipient_id is not None:
        _after_commit(notify, event, [recipient_id], refs, to_suspended)


def comment_posted(comment) -> None:
    from .tasks import comment_posted as task

    follow(comment.author_id, comment.page_question_id)
    _after_commit(task, comment.pk)


def answer_posted(answer) -> None:
    from .tasks import answer_posted as task

    follow(answer.author_id, answer.question_id)
    _after_commit(task, answer.pk)


def question_submitted(question) -> None:
    """Held for a moderator: the asker follows it and is told it waits."""
    follow(question.submitted_by_id, question.pk)
    _notify(Event.QUESTION_HELD, question.submitted_by_id, actor_id=None, question_id=question.pk)


def question_merged(duplicate, into) -> None:
    """Followers of the duplicate follow the kept question; notifications about
    the duplicate point at it."""
    from .models import Notification

    already = QuestionFollow.objects.filter(question=into).values("user_id")
    QuestionFollow.objects.filter(question=duplicate).exclude(user_id__in=already).update(
        question=into
    )
    Notification.objects.filter(question=duplicate).update(question=into)


def question_published(question, moderator) -> None:
    from .tasks import question_published as task

    _after_commit(task, question.pk, moderator.pk if moderator else None)


def proposal_made(proposal) -> None:
    answer = proposal.answer
    refs = {"question_id": answer.question_id, "answer_id": answer.pk, "proposal_id": proposal.pk}
    _notify(Event.PROPOSAL, answer.author_id, actor_id=proposal.author_id, **refs)


def proposal_reviewed(proposal) -> None:
    accepted = proposal.status == "accepted"
    _notify(
        Event.PROPOSAL_ACCEPTED if accepted else Event.PROPOSAL_REJECTED,
        proposal.author_id,
        actor_id=proposal.reviewed_by_id,
        question_id=proposal.answer.question_id,
        answer_id=proposal.answer_id,
        proposal_id=proposal.pk,
        reason=proposal.rejection_reason,
    )


def verdict_noted(verdict) -> None:
    """A "partly" or "wrong" verdict carries a note saying what is wrong."""
    if verdict.note.strip():
        answer = verdict.answer
        _notify(
            Event.VERDICT,
            answer.author_id,
            actor_id=verdict.user_id,
            question_id=answer.question_id,
            answer_id=answer.pk,
        )


def content_hidden(target, moderator, reason: str) -> None:
    """A moderator hid a question, an answer or a comment: its author hears why."""
    kind = type(target).__name__.lower()
    if kind == "question":
        author_id, refs = target.submitted_by_id, {"question_id": target.pk}
    elif kind == "answer":
        author_id, refs = (
            target.author_id,
            {"question_id": target.question_id, "answer_id": target.pk},
        )
    else:
        author_id = target.author_id
        refs = {"question_id": target.page_question_id, "comment_id": target.pk}
        if target.answer_id:
            refs["answer_id"] = target.answer_id
    _notify(Event.HIDDEN, author_id, actor_id=moderator.pk, reason=reason, **refs)


def member_suspended(member, moderator, reason: str) -> None:
    _notify(Event.SUSPENDED, member.pk, True, actor_id=moderator.pk, reason=reason)


def suspension_ended(member, moderator) -> None:
    _notify(Event.SUSPENSION_ENDED, member.pk, True, actor_id=moderator.pk if moderator else None)
