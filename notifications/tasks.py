"""Background tasks: who hears of an event, and the e-mails.

Each event's hook (notifications/events.py) queues one task after the action's
transaction commits; the task works out the recipients, writes their
notifications in one insert, and queues an e-mail for those who want it at
once. One notification per member per event: the most specific reason wins.
"""

import re

from django.db.models import Q

from accounts.models import User
from mlqa_site.background import retrying
from questions.models import Answer, Comment, CommentStatus, Question, Status

from .models import KIND_OF, Delivery, Event, Notification, QuestionFollow, TopicFollow
from .preferences import deliveries

MENTION = re.compile(r"(?<![\w@/.])@([\w.+-]{1,150})")
MAX_MENTIONS = 10


def mentioned(text: str) -> list[int]:
    """The members named as @username in ``text`` (case ignored), at most ten."""
    names = list(dict.fromkeys(m.rstrip(".") for m in MENTION.findall(text)))[:MAX_MENTIONS]
    if not names:
        return []
    wanted = Q()
    for name in names:
        wanted |= Q(username__iexact=name)
    return list(User.objects.filter(wanted).values_list("pk", flat=True))


def create(
    recipients: dict[int, str],
    *,
    actor_id: int | None,
    question_id: int | None = None,
    answer_id: int | None = None,
    comment_id: int | None = None,
    proposal_id: int | None = None,
    reason: str = "",
    to_suspended: bool = False,
) -> list[Notification]:
    """Notify each member in ``recipients`` (id -> event), except the actor and
    members who are suspended (unless ``to_suspended``) or deleted."""
    ids = set(recipients) - {actor_id}
    if not ids:
        return []
    reachable = Q(is_active=True)
    if to_suspended:
        reachable |= Q(suspended_until__isnull=False)
    ids = set(User.objects.filter(reachable, pk__in=ids).values_list("pk", flat=True))
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            actor_id=actor_id,
            event=recipients[user_id],
            kind=KIND_OF[recipients[user_id]],
            question_id=question_id,
            answer_id=answer_id,
            comment_id=comment_id,
            proposal_id=proposal_id,
            reason=reason[:500],
        )
        for user_id in sorted(ids)
    )
    instant = deliveries(notifications)
    from .mail import send_notification

    for notification in notifications:
        if instant.get(notification.pk) == Delivery.INSTANT:
            send_notification.enqueue(notification.pk)
    return notifications


def _ranked(*groups: tuple[str, list[int | None]]) -> dict[int, str]:
    """One event per member: the first group naming them wins."""
    recipients: dict[int, str] = {}
    for event, user_ids in groups:
        for user_id in user_ids:
            if user_id is not None:
                recipients.setdefault(user_id, event)
    return recipients


@retrying
def notify(event: str, recipient_ids: list[int], refs: dict, to_suspended: bool = False) -> int:
    """An event with recipients known when it happened (a proposal, a review…)."""
    recipients = dict.fromkeys(recipient_ids, event)
    return len(create(recipients, to_suspended=to_suspended, **refs))


@retrying
def comment_posted(comment_id: int) -> int:
    """The target's author, the members named in it, the thread's other commenters."""
    comment = Comment.objects.select_related("answer__question", "question").get(pk=comment_id)
    if comment.status != CommentStatus.PUBLISHED:
        return 0
    if comment.answer_id:
        owner = (Event.COMMENT_ON_ANSWER, [comment.answer.author_id])
        question = comment.answer.question
        thread = Comment.objects.filter(answer_id=comment.answer_id)
    else:
        question = comment.question
        owner = (Event.COMMENT_ON_QUESTION, [question.submitted_by_id])
        thread = Comment.objects.filter(question_id=question.pk)
    commenters = thread.filter(status=CommentStatus.PUBLISHED).values_list("author_id", flat=True)
    recipients = _ranked(
        owner,
        (Event.MENTION, mentioned(comment.body)),
        (Event.COMMENT_IN_THREAD, list(commenters.distinct())),
    )
    notifications = create(
        recipients,
        actor_id=comment.author_id,
        question_id=question.pk,
        answer_id=comment.answer_id,
        comment_id=comment.pk,
    )
    return len(notifications)


@retrying
def answer_posted(answer_id: int) -> int:
    """The asker, the members named in it, the question's followers."""
    answer = Answer.objects.select_related("question").get(pk=answer_id)
    if answer.status != Status.PUBLISHED:
        return 0
    followers = QuestionFollow.objects.filter(question_id=answer.question_id)
    recipients = _ranked(
        (Event.ANSWER_TO_QUESTION, [answer.question.submitted_by_id]),
        (Event.MENTION, mentioned(answer.body)),
        (Event.ANSWER_TO_FOLLOWED, list(followers.values_list("user_id", flat=True))),
    )
    refs = {"question_id": answer.question_id, "answer_id": answer.pk}
    return len(create(recipients, actor_id=answer.author_id, **refs))


@retrying
def question_published(question_id: int, moderator_id: int | None) -> int:
    """The asker hears it is public; followers of its topics hear of a new question."""
    question = Question.objects.get(pk=question_id)
    if question.status != Status.PUBLISHED:
        return 0
    count = len(
        create(
            {question.submitted_by_id: Event.QUESTION_PUBLISHED}
            if question.submitted_by_id
            else {},
            actor_id=moderator_id,
            question_id=question.pk,
        )
    )
    followers = TopicFollow.objects.filter(topic__questions=question).values_list(
        "user_id", flat=True
    )
    recipients = dict.fromkeys(followers.distinct(), Event.TOPIC_QUESTION)
    recipients.pop(question.submitted_by_id, None)
    count += len(create(recipients, actor_id=question.submitted_by_id, question_id=question.pk))
    return count
