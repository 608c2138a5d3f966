"""Each question's stored best answer (questions.topanswer) stays what the
ranking says after every service that can change it."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as live_apps
from django.db import connection

from accounts.services import remove_votes
from questions import services
from questions.collection import read_document
from questions.models import Question, Status, Verification
from questions.topanswer import refresh_top_answer, stale_top_answers
from tests.factories import AIAnswerFactory, AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def stored(question: Question) -> tuple:
    question.refresh_from_db(fields=["top_answer", "top_answer_score", "top_answer_origin"])
    return question.top_answer_id, question.top_answer_score, question.top_answer_origin


def exact() -> None:
    assert stale_top_answers() == []


@pytest.fixture
def question():
    return QuestionFactory(title="Why does dropout help?")


def test_no_answer_then_the_first_then_a_better_one_by_votes(question):
    assert stored(question) == (None, None, "")
    ai = AIAnswerFactory(question=question)
    assert stored(question) == (ai.pk, 0, "ai")
    mine = AnswerFactory(question=question)
    assert stored(question) == (ai.pk, 0, "ai")  # equal scores: the older first
    services.cast_vote(user=UserFactory(), answer=mine, choice="up")
    assert stored(question) == (mine.pk, 1, "community")
    voter = UserFactory()
    services.cast_vote(user=voter, answer=ai, choice="up")
    services.cast_vote(user=UserFactory(), answer=ai, choice="up")
    assert stored(question) == (ai.pk, 2, "ai")
    services.cast_vote(user=voter, answer=ai, choice="clear")
    assert stored(question)[0] == ai.pk  # 1 each: the older
    exact()
    remove_votes(user=UserFactory())  # nothing to remove
    exact()


def test_votes_removed_with_an_account(question):
    ai = AIAnswerFactory(question=question)
    mine = AnswerFactory(question=question)
    leaving = UserFactory()
    services.cast_vote(user=leaving, answer=mine, choice="up")
    assert stored(question)[0] == mine.pk
    remove_votes(user=leaving)
    assert stored(question) == (ai.pk, 0, "ai")
    exact()


def test_delete_hide_restore_publish_and_feature(question, moderator):
    ai = AIAnswerFactory(question=question)
    mine = AnswerFactory(question=question)
    services.cast_vote(user=UserFactory(), answer=mine, choice="up")
    services.delete_answer(user=mine.author, answer=mine)
    assert stored(question) == (ai.pk, 0, "ai")
    services.restore(moderator=moderator, target=mine)
    assert stored(question)[0] == mine.pk
    services.hide(moderator=moderator, target=mine)
    assert stored(question)[0] == ai.pk
    services.hide(moderator=moderator, target=ai)
    assert stored(question) == (None, None, "")
    services.publish(moderator=moderator, target=mine)
    assert stored(question)[0] == mine.pk
    services.restore(moderator=moderator, target=ai)
    services.set_featured(moderator=moderator, answer=ai, featured=True)
    assert stored(question) == (ai.pk, 0, "ai")  # the pick first, whatever the score
    services.set_featured(moderator=moderator, answer=ai, featured=False)
    assert stored(question)[0] == mine.pk
    exact()


def test_a_pending_answer_is_not_the_best(question):
    AnswerFactory(question=question, status=Status.PENDING)
    assert stored(question) == (None, None, "")
    exact()


def _judge(answer, value: str) -> list:
    judges = [UserFactory() for _ in range(3)]
    for judge in judges:
        services.give_verdict(user=judge, answer=answer, value=value, note="It is not so.")
    return judges


def test_verdicts_moderators_and_new_text_move_it(question, moderator):
    ai = AIAnswerFactory(question=question)
    mine = AnswerFactory(question=question)
    assert stored(question)[0] == ai.pk
    judges = _judge(ai, "wrong")  # judged wrong: last
    assert stored(question)[0] == mine.pk
    verdict = ai.verdicts.get(user=judges[0])
    services.set_verdict_hidden(moderator=moderator, verdict=verdict, hidden=True)
    assert stored(question)[0] == ai.pk  # two verdicts left: unreviewed again
    services.set_verdict_hidden(moderator=moderator, verdict=verdict, hidden=False)
    assert stored(question)[0] == mine.pk
    services.set_verification(
        moderator=moderator, answer=ai, state=Verification.VERIFIED, reason="Checked."
    )
    assert stored(question)[0] == ai.pk
    services.set_verification(moderator=moderator, answer=ai, state="", reason="Members decide.")
    assert stored(question)[0] == mine.pk
    services.remove_verdicts(user=judges[1])
    assert stored(question)[0] == ai.pk
    exact()


def test_edits_proposals_and_rollbacks_restart_verification(question, moderator):
    ai = AIAnswerFactory(question=question)
    mine = AnswerFactory(question=question)
    services.cast_vote(user=UserFactory(), answer=mine, choice="up")
    _judge(mine, "wrong")
    assert stored(question)[0] == ai.pk
    services.edit_answer(user=mine.author, answer=mine, body="Better now: it averages subnets.")
    assert stored(question)[0] == mine.pk  # new text starts unreviewed
    _judge(mine, "wrong")
    assert stored(question)[0] == ai.pk
    services.rollback_answer(user=mine.author, answer=mine, number=1)
    assert stored(question)[0] == mine.pk
    _judge(mine, "wrong")
    proposal = services.propose_answer(
        user=UserFactory(), answer=mine, body="Dropout averages many thinned nets.", reason="Fix"
    )
    assert stored(question)[0] == ai.pk
    services.accept_proposal(user=moderator, proposal=proposal)
    assert stored(question)[0] == mine.pk
    exact()


def test_merging_moves_the_best_answer(question, moderator):
    duplicate = QuestionFactory(title="Dropout: why does it work?")
    theirs = AnswerFactory(question=duplicate)
    services.cast_vote(user=UserFactory(), answer=theirs, choice="up")
    AIAnswerFactory(question=question)
    assert stored(duplicate)[0] == theirs.pk
    services.merge_questions(moderator=moderator, duplicate=duplicate, into=question)
    assert stored(question) == (theirs.pk, 1, "community")
    assert stored(duplicate) == (None, None, "")
    exact()


def test_importing_a_collection(tmp_path):
    path = tmp_path / "c.md"
    path.write_text(
        "| Question | Source | ChatGPT |\n|---|---|---|\n"
        "| What is dropout? | | Randomly zeroing units. |\n"
    )
    services.import_collection(collections=[read_document(path)])
    question = Question.objects.get()
    assert stored(question)[1:] == (0, "ai")
    exact()


def test_refresh_repairs_a_row_and_the_migration_fills_every_row(question):
    AIAnswerFactory(question=question)
    Question.objects.update(top_answer=None, top_answer_score=None, top_answer_origin="")
    assert stale_top_answers() == [question.pk]
    refresh_top_answer([question.pk])
    exact()
    Question.objects.update(top_answer=None, top_answer_score=None, top_answer_origin="")
    migration = importlib.import_module("questions.migrations.0016_top_answer")
    # What the data migration reads of its schema editor: the connection.
    migration.fill_top_answers(live_apps, SimpleNamespace(connection=connection))
    exact()
