from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q, Sum

from accounts.models import User
from questions.models import (
    Answer,
    Comment,
    Difficulty,
    Flag,
    Origin,
    Proposal,
    Question,
    Source,
    Topic,
    Vote,
)

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        model.objects.count() for model in (Question, Answer, Vote, Comment, Source, Topic, User)
    )


def test_demo_data_covers_what_the_site_needs(demo_data):
    assert Question.objects.count() >= 30
    assert Source.objects.filter(questions__isnull=False).distinct().count() >= 3
    assert Topic.objects.filter(questions__isnull=False).distinct().count() >= 6
    assert set(Question.objects.values_list("difficulty", flat=True)) == set(Difficulty.values)
    # Every published question has exactly one AI answer, labelled with its model.
    per_question = Question.objects.published().annotate(
        ai=Count("answers", filter=Q(answers__origin="ai"))
    )
    assert set(per_question.values_list("ai", flat=True)) == {1}
    assert not Answer.objects.filter(origin=Origin.AI, ai_model="").exists()
    improved = Question.objects.filter(answers__origin=Origin.COMMUNITY).distinct().count()
    assert improved >= 10
    assert Vote.objects.exists()
    assert Comment.objects.exists()


def test_demo_counters_match_the_rows(demo_data):
    for answer in Answer.objects.annotate(total=Sum("votes__value")):
        assert answer.score == (answer.total or 0)
        assert answer.revision_count == answer.revisions.count() == 1
    for question in Question.objects.annotate(n=Count("answers")):
        assert question.answer_count == question.n


def test_demo_accounts_can_log_in_and_the_moderator_can_moderate(demo_data, client):
    assert client.login(username="demo", password="mlqa-demo")
    demo = User.objects.get(username="demo")
    assert not demo.is_staff
    assert not demo.is_moderator
    client.logout()
    assert client.login(username="moderator", password="mlqa-moderator")
    moderator = User.objects.get(username="moderator")
    assert moderator.is_moderator
    assert not moderator.is_superuser
    assert moderator.has_perm("questions.change_answer")
    assert client.get("/admin/questions/answer/").status_code == 200


def test_demo_gives_the_moderator_a_queue(demo_data):
    assert Proposal.objects.filter(status="pending").count() == 1
    assert Flag.objects.filter(status="open").count() == 1
    pending = Question.objects.get(status="pending")
    assert pending.submitted_by.username == "demo"


def test_load_demo_is_idempotent(demo_data):
    before = counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert counts() == before
    assert "0 new questions" in out.getvalue()


def test_demo_pages_render(demo_data, client):
    assert client.get("/").status_code == 200
    for question in Question.objects.published():
        assert client.get(question.get_absolute_url()).status_code == 200
