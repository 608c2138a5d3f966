"""What a notification says and where it leads: one place for the inbox and the
e-mails. Members' words appear only while they are published."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.text import Truncator

from questions.models import CommentStatus, Status

from .models import Event, Notification

# Events told without naming anyone.
IMPERSONAL = {Event.QUESTION_HELD, Event.SUSPENSION_ENDED}
MODERATOR_EVENTS = {Event.HIDDEN, Event.SUSPENDED, Event.QUESTION_PUBLISHED}
# Events about something the actor wrote: the inbox quotes it.
QUOTED = {
    Event.COMMENT_ON_QUESTION,
    Event.COMMENT_ON_ANSWER,
    Event.COMMENT_IN_THREAD,
    Event.ANSWER_TO_QUESTION,
    Event.ANSWER_TO_FOLLOWED,
    Event.MENTION,
}


def sentence(n: Notification) -> str:
    """E.g. "Bob commented on your answer"."""
    if n.event in IMPERSONAL:
        return n.get_event_display() + "."
    if n.event in MODERATOR_EVENTS and (n.actor is None or n.actor.is_staff):
        who = "A moderator"
    else:
        who = n.actor.public_name if n.actor else "Someone"
    if n.event == Event.HIDDEN:
        what = (
            "a comment of yours"
            if n.comment_id
            else "your answer"
            if n.answer_id
            else "your question"
        )
        return f"{who} hid {what}."
    return f"{who} {n.get_event_display()}."


def excerpt(n: Notification) -> str:
    """A line of the comment or answer it is about, only while everyone can read it."""
    if n.event not in QUOTED or not question_is_public(n):
        return ""
    if n.comment_id and n.comment.status == CommentStatus.PUBLISHED:
        text = n.comment.body
    elif n.answer_id and not n.comment_id and n.answer.status == Status.PUBLISHED:
        text = n.answer.body
    else:
        return ""
    return Truncator(" ".join(text.split())).chars(160)


def question_is_public(n: Notification) -> bool:
    return n.question_id is not None and n.question.status == Status.PUBLISHED


def question_title(n: Notification) -> str:
    """The question's title; one that is not public shows only to the member who asked it."""
    if n.question_id is None:
        return ""
    if question_is_public(n) or n.question.submitted_by_id == n.recipient_id:
        return n.question.title
    return "A question that is no longer public"


def target_url(n: Notification) -> str:
    """The exact place: the comment's or answer's anchor, the proposal, the question."""
    if n.proposal_id:
        return reverse("proposal_detail", args=[n.proposal_id])
    if n.question_id:
        url = n.question.get_absolute_url()
        if n.comment_id:
            return f"{url}#comment-{n.comment_id}"
        if n.answer_id:
            return f"{url}#answer-{n.answer_id}"
        return url
    if n.event == Event.SUSPENDED:
        return reverse("account_inactive")
    return reverse("home")


@dataclass
class Group:
    """The page's notifications about one question, newest first."""

    title: str
    url: str
    items: list[Notification] = field(default_factory=list)


def grouped(notifications: list[Notification]) -> list[Group]:
    """By question, the group of the newest notification first; others on their own."""
    groups: dict[object, Group] = {}
    for n in notifications:
        n.sentence, n.excerpt, n.url = sentence(n), excerpt(n), target_url(n)
        key = n.question_id or f"n{n.pk}"
        if key not in groups:
            public = n.question_id and question_is_public(n)
            groups[key] = Group(
                title=question_title(n) or "Your account",
                url=n.question.get_absolute_url() if public else "",
            )
        groups[key].items.append(n)
    return list(groups.values())
