"""Following questions and topics; a member follows what they asked, answered or
commented on automatically (notifications/events.py) and unfollows any time."""

from accounts.models import User
from questions.models import Question, Topic

from .models import QuestionFollow, TopicFollow


def set_question(*, user: User, question: Question, on: bool) -> None:
    if on:
        QuestionFollow.objects.get_or_create(user=user, question=question)
    else:
        QuestionFollow.objects.filter(user=user, question=question).delete()


def set_topic(*, user: User, topic: Topic, on: bool) -> None:
    if on:
        TopicFollow.objects.get_or_create(user=user, topic=topic)
    else:
        TopicFollow.objects.filter(user=user, topic=topic).delete()


def follows_question(user: User, question: Question) -> bool:
    return (
        user.is_authenticated
        and QuestionFollow.objects.filter(user=user, question=question).exists()
    )


def follows_topic(user: User, topic: Topic) -> bool:
    return user.is_authenticated and TopicFollow.objects.filter(user=user, topic=topic).exists()
