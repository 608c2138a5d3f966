"""A small world for the security tests, and a fingerprint of everything stored.

The world gives every kind of object a route can name, in every state that
matters: the member's own and another member's, published and hidden. The
fingerprint (``snapshot``) is every row of every table but the sessions, so a
test can say "nothing changed" and mean it.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings

from accounts.models import User
from api import tokens
from api.models import AccessToken
from notifications.models import Event, Kind, Notification
from questions import services
from questions.models import Answer, Comment, Proposal, Question, Source, Status, Topic
from study import services as study_services
from study.models import Bookmark, MockInterview, MockQuestion
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    ModeratorFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

PASSWORD = "correct horse battery staple"

# Hypothesis: modest example counts (the whole suite runs in minutes on two
# cores), no deadline (the first request of a run warms caches), no example
# database written into the work tree. HYPOTHESIS_PROFILE=thorough digs deeper.
settings.register_profile(
    "mlqa",
    max_examples=8,
    deadline=None,
    database=None,
    print_blob=True,
    # The world is built once per test and every example rolls back what it did.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("thorough", parent=settings.get_profile("mlqa"), max_examples=200)


def pytest_configure(config):
    import os

    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "mlqa"))


# Tables whose rows change on every request or never: they say nothing about
# whether a request changed the site's data.
NOT_DATA = {"sessions.session", "contenttypes.contenttype", "auth.permission"}
# Signing in (which every test does, again and again) stamps this column.
NOT_DATA_COLUMNS = {"last_login"}


def _generated(field) -> bool:
    """Columns two runs of the same action fill differently: timestamps, and ids
    (PostgreSQL's sequences do not roll back) and the links to them."""
    return (
        isinstance(field, models.DateField | models.TimeField)
        or field.primary_key
        or field.is_relation
    )


def snapshot() -> dict[str, tuple[int, str, str]]:
    """Per table: the row count, a checksum of every row, and a checksum of the
    rows' content without timestamps and generated ids."""
    result = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in NOT_DATA or model._meta.proxy:
            continue
        fields = [f for f in model._meta.concrete_fields if f.attname not in NOT_DATA_COLUMNS]
        content = [i for i, f in enumerate(fields) if not _generated(f)]
        rows = list(model._base_manager.order_by("pk").values_list(*[f.attname for f in fields]))
        everything = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
        contents = sorted(repr([row[i] for i in content]) for row in rows)
        result[model._meta.label_lower] = (
            len(rows),
            everything,
            hashlib.sha256(repr(contents).encode()).hexdigest()[:16],
        )
    return result


def same_content(one: dict, other: dict) -> bool:
    """The same rows, but for their timestamps and generated ids."""
    return all(one[t][0] == other[t][0] and one[t][2] == other[t][2] for t in one)


def changes(before: dict, after: dict) -> list[str]:
    return [
        f"{table}: {before[table][0]} -> {after[table][0]} rows"
        + ("" if before[table][0] != after[table][0] else " (contents changed)")
        for table in before
        if before[table] != after[table]
    ]


class RolledBack(Exception):
    pass


def in_rollback(action):
    """Run ``action()`` and undo whatever it wrote; return its result."""
    result = None
    try:
        with transaction.atomic():
            result = action()
            raise RolledBack
    except RolledBack:
        pass
    return result


@dataclass
class World:
    member: User
    other: User
    moderator: User
    source: Source
    topic: Topic
    question: Question  # published, asked by nobody in particular
    hidden_question: Question
    pending_question: Question
    member_answer: Answer  # the member's own, on `question`
    other_answer: Answer  # another member's, on `question`
    ai_answer: Answer
    hidden_answer: Answer
    member_comment: Comment
    other_comment: Comment
    member_proposal: Proposal  # the member's proposal on another's answer
    proposal_to_member: Proposal  # another member's proposal on the member's answer
    other_proposal: Proposal  # neither the member's nor on the member's answer
    member_bookmark: Bookmark
    hidden_bookmark: Bookmark  # the member's, on a hidden question
    other_bookmark: Bookmark
    member_notification: Notification
    other_notification: Notification  # another member's: never the member's to read
    member_token: AccessToken  # personal access tokens of the read API (api/)
    other_token: AccessToken
    member_mock: MockInterview  # mock interviews, running (study/mock.py)
    other_mock: MockInterview

    def objects_of(self, model) -> list:
        return [value for value in vars(self).values() if isinstance(value, model)]


@pytest.fixture
def world(db) -> World:
    member = UserFactory(username="alice", display_name="Alice")
    other = UserFactory(username="bob", display_name="Bob")
    moderator = ModeratorFactory(username="mod")
    source = SourceFactory(slug="huyen", name="Machine Learning Interviews")
    topic = TopicFactory(slug="statistics", name="Statistics")
    question = QuestionFactory(
        title="Why can validation loss be below training loss?", source=source, topics=[topic]
    )
    # Another statistics question, not bookmarked yet: "practise this topic" adds it.
    confidence = QuestionFactory(title="What is a confidence interval?", topics=[topic])
    hidden_question = QuestionFactory(title="A question a moderator hid", status=Status.HIDDEN)
    pending_question = QuestionFactory(
        title="A question waiting for review", status=Status.PENDING, submitted_by=member
    )
    body = "Dropout is active only during training, so the training loss is higher. " * 2
    member_answer = AnswerFactory(question=question, author=member, body=body)
    other_answer = AnswerFactory(question=question, author=other, body=body + "Also: leakage.")
    ai_answer = AIAnswerFactory(question=question)
    hidden_answer = AnswerFactory(question=question, author=other, status=Status.HIDDEN)
    AIAnswerFactory(question=hidden_question)
    member_comment = CommentFactory(answer=other_answer, author=member)
    other_comment = CommentFactory(answer=member_answer, author=other)
    CommentFactory(answer=None, question=question, author=other)
    better = "A better answer: " + body + " The validation set may also be easier."
    member_proposal = services.propose_answer(
        user=member, answer=other_answer, body=better, reason="Adds the easy-set case"
    )
    proposal_to_member = services.propose_answer(
        user=other, answer=member_answer, body=better, reason="Adds the easy-set case"
    )
    other_proposal = services.propose_answer(
        user=other, answer=ai_answer, body=better, reason="Fixes the AI answer"
    )
    services.cast_vote(user=member, answer=other_answer, choice="up")
    services.cast_vote(user=other, answer=member_answer, choice="down")
    member_bookmark = study_services.toggle_bookmark(user=member, question=question)
    hidden_bookmark = Bookmark.objects.create(
        user=member, question=hidden_question, due=timezone.now() - timedelta(days=1)
    )
    other_bookmark = study_services.toggle_bookmark(user=other, question=question)
    member_notification, other_notification = (
        Notification.objects.create(
            recipient=recipient,
            actor=actor,
            event=Event.PROPOSAL,
            kind=Kind.PROPOSAL,
            question=question,
            answer=answer,
            proposal=proposal,
        )
        for recipient, actor, answer, proposal in [
            (member, other, member_answer, proposal_to_member),
            (other, member, other_answer, member_proposal),
        ]
    )
    member_token = tokens.create_token(user=member, name="member's script").token
    other_token = tokens.create_token(user=other, name="other's script").token
    return World(
        member=member,
        other=other,
        moderator=moderator,
        source=source,
        topic=topic,
        question=question,
        hidden_question=hidden_question,
        pending_question=pending_question,
        member_answer=member_answer,
        other_answer=other_answer,
        ai_answer=ai_answer,
        hidden_answer=hidden_answer,
        member_comment=member_comment,
        other_comment=other_comment,
        member_proposal=member_proposal,
        proposal_to_member=proposal_to_member,
        other_proposal=other_proposal,
        member_bookmark=member_bookmark,
        hidden_bookmark=hidden_bookmark,
        other_bookmark=other_bookmark,
        member_notification=member_notification,
        other_notification=other_notification,
        member_token=member_token,
        other_token=other_token,
        member_mock=running_mock(member, [question, confidence, hidden_question]),
        other_mock=running_mock(other, [question, confidence, hidden_question]),
    )


def running_mock(user: User, questions: list[Question]) -> MockInterview:
    now = timezone.now()
    interview = MockInterview.objects.create(
        user=user, minutes_per_question=3, question_count=3, started_at=now
    )
    for position, question in enumerate(questions, start=1):
        first = position == 1
        MockQuestion.objects.create(
            interview=interview,
            question=question,
            position=position,
            started_at=now if first else None,
            deadline=now + timedelta(minutes=3) if first else None,
        )
    return interview


# Which model an `<int:pk>` names, by the route's first path segment. A new
# kind of route with an id fails loudly here instead of going untested.
PK_MODELS = {
    "questions": Question,
    "answers": Answer,
    "proposals": Proposal,
    "comments": Comment,
    "bookmarks": Bookmark,
    "practice": Bookmark,
    "mock": MockInterview,
    "inbox": Notification,
    "settings": AccessToken,  # /settings/tokens/<pk>/revoke/
    "api": Question,  # /api/v1/questions/{question_id}, the read API's one id
}


def pk_model(route):
    segment = route.template.split("/", 1)[0]
    if segment not in PK_MODELS:
        raise AssertionError(f"{route.label}: say in PK_MODELS which model its id names")
    return PK_MODELS[segment]
