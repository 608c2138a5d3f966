"""The public profile page: who a member is and what they gave the community."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions import services
from questions.models import Proposal, ProposalStatus, Status
from tests.factories import AIAnswerFactory, AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    member = UserFactory(username="ada", display_name="Ada L.", bio="Trains small models.")
    answer = AnswerFactory(author=member, question=QuestionFactory(title="What is weight decay?"))
    for voter in ("v1", "v2", "v3"):
        services.cast_vote(user=UserFactory(username=voter), answer=answer, choice="up")
    AnswerFactory(author=member, status=Status.HIDDEN, body="hidden")
    ai = AIAnswerFactory(question=QuestionFactory(title="Explain dropout"))
    Proposal.objects.create(
        answer=ai, author=member, body="x", reason="Fix the inference claim",
        status=ProposalStatus.ACCEPTED,
    )  # fmt: skip
    Proposal.objects.create(
        answer=AIAnswerFactory(), author=member, body="y", reason="Still waiting",
    )  # fmt: skip
    return member


def test_profile_shows_name_bio_reputation_answers_and_accepted_proposals(client, author):
    html = client.get("/users/ada/").content.decode()
    assert "Ada L." in html
    assert "Trains small models." in html
    assert "<dt>Reputation</dt><dd>5</dd>" in html  # 3 votes + 2 for the accepted proposal
    assert "<dt>Answers</dt><dd>1</dd>" in html
    assert "What is weight decay?" in html
    assert "Explain dropout" in html
    assert "Still waiting" not in html  # pending proposals are the member's business


def test_members_see_their_own_pending_proposals(client, author):
    client.force_login(author)
    html = client.get("/users/ada/").content.decode()
    assert "Your proposals" in html
    assert "Still waiting" in html
    assert "Pending" in html


def test_profile_query_count_does_not_grow(client, author):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/users/ada/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(10):
        AnswerFactory(author=author)
    assert count() == before


def test_unknown_and_deactivated_members_have_no_profile(client):
    UserFactory(username="gone", is_active=False)
    assert client.get("/users/gone/").status_code == 404
    assert client.get("/users/nobody/").status_code == 404
