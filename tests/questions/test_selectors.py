"""Shared reads: the related questions shown beside a question."""

from datetime import timedelta

import pytest
from django.utils import timezone

from questions.models import Question, Status
from questions.selectors import related_questions
from tests.factories import QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_related_questions_share_a_topic_are_listed_once_most_bookmarked_then_newest():
    ml, stats, other = TopicFactory(), TopicFactory(), TopicFactory()
    question = QuestionFactory(title="This one", topics=[ml, stats])
    both = QuestionFactory(title="Shares both topics", topics=[ml, stats])
    older = QuestionFactory(title="Shares one, older", topics=[stats])
    newer = QuestionFactory(title="Shares one, newer", topics=[ml])
    popular = QuestionFactory(title="Shares one, bookmarked", topics=[ml])
    QuestionFactory(title="Another topic", topics=[other])
    QuestionFactory(title="Hidden", topics=[ml], status=Status.HIDDEN)
    now = timezone.now()
    for days, related in enumerate([newer, older, both, popular], start=1):
        Question.objects.filter(pk=related.pk).update(created_at=now - timedelta(days=days))
    Question.objects.filter(pk=popular.pk).update(bookmark_count=3)

    titles = [q.title for q in related_questions(question)]

    assert titles == [
        "Shares one, bookmarked",
        "Shares one, newer",
        "Shares one, older",
        "Shares both topics",
    ]
    assert [q.title for q in related_questions(question, limit=2)] == titles[:2]


def test_a_question_without_topics_has_no_related_questions():
    QuestionFactory(topics=[TopicFactory()])
    assert list(related_questions(QuestionFactory())) == []
