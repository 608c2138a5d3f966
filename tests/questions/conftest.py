"""Fixtures shared by the community tests."""

from pathlib import Path

import pytest
from django.test import Client

from questions.models import Proposal
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)
from tests.shared_data import shared_file

LONG = "A corrected answer with enough words to pass the minimum length check."


@pytest.fixture
def world():
    """A question with an AI answer and a member's, a comment, a proposal on each,
    and one member of every role (owner, proposer, member, moderator)."""
    owner = UserFactory(username="owner")
    proposer = UserFactory(username="proposer")
    question = QuestionFactory(title="Why is validation loss lower than training loss?")
    ai = AIAnswerFactory(question=question, body="It is overfitting.")
    answer = AnswerFactory(question=question, author=owner, body="Dropout is off at eval time.")
    comment = CommentFactory(answer=answer, author=owner, body="A note from the owner.")
    proposal = Proposal.objects.create(
        answer=answer,
        author=proposer,
        body=LONG,
        reason="More precise",
        base_revision=answer.revisions.get(),
    )
    ai_proposal = Proposal.objects.create(
        answer=ai,
        author=proposer,
        body=LONG,
        reason="Not overfitting",
        base_revision=ai.revisions.get(),
    )
    return {
        "owner": owner,
        "proposer": proposer,
        "question": question,
        "ai": ai,
        "answer": answer,
        "comment": comment,
        "proposal": proposal,
        "ai_proposal": ai_proposal,
        "member": UserFactory(username="member"),
        "moderator": ModeratorFactory(username="mod"),
    }


@pytest.fixture
def mod_client(moderator):
    """A client signed in as a Moderators member (staff, not a superuser)."""
    assert not moderator.is_superuser
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def readme() -> Path:
    """The real ChatGPT MLE-interview collection (``../shared/data``)."""
    return shared_file("chatgpt-mle-interview", "README.md")


@pytest.fixture
def seed() -> Path:
    """The two-question seed copy of the collection."""
    return shared_file("seed-readme.md")
