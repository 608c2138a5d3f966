"""The database itself refuses data that breaks MLQA's rules."""

import pytest
from django.db import IntegrityError, transaction

from questions.models import Answer, Comment, Flag, FlagReason, Origin, Proposal, Vote
from study.models import Bookmark
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_a_member_votes_once_per_answer(member):
    answer = AnswerFactory()
    Vote.objects.create(user=member, answer=answer, value=1)
    assert refused(lambda: Vote.objects.create(user=member, answer=answer, value=-1))
    assert Vote.objects.filter(answer=answer).count() == 1


@pytest.mark.parametrize("value", [0, 2, -2, 5])
def test_a_vote_is_up_or_down(member, value):
    answer = AnswerFactory()
    assert refused(lambda: Vote.objects.create(user=member, answer=answer, value=value))


def test_a_member_bookmarks_a_question_once(member):
    question = QuestionFactory()
    Bookmark.objects.create(user=member, question=question)
    assert refused(lambda: Bookmark.objects.create(user=member, question=question))
    # Another member can bookmark the same question.
    Bookmark.objects.create(user=UserFactory(), question=question)
    assert question.bookmarks.count() == 2


def test_a_comment_needs_exactly_one_target(member):
    answer = AnswerFactory()
    both = Comment(author=member, answer=answer, question=answer.question, body="x")
    neither = Comment(author=member, body="x")
    assert refused(both.save)
    assert refused(neither.save)
    Comment.objects.create(author=member, question=answer.question, body="ok")
    Comment.objects.create(author=member, answer=answer, body="ok")
    assert Comment.objects.count() == 2


def test_an_ai_answer_names_its_model():
    question = QuestionFactory()
    assert refused(
        lambda: Answer.objects.create(question=question, body="x", origin=Origin.AI, ai_model="")
    )


def test_an_answer_score_is_upvotes_minus_downvotes():
    answer = AIAnswerFactory()
    assert refused(lambda: Answer.objects.filter(pk=answer.pk).update(score=3, upvotes=1))


def test_a_flag_targets_exactly_one_thing_and_is_open_once_per_member(member):
    comment = CommentFactory()
    assert refused(
        lambda: Flag.objects.create(
            reporter=member, reason=FlagReason.SPAM, comment=comment, answer=comment.answer
        )
    )
    assert refused(lambda: Flag.objects.create(reporter=member, reason=FlagReason.SPAM))
    Flag.objects.create(reporter=member, reason=FlagReason.SPAM, comment=comment)
    assert refused(
        lambda: Flag.objects.create(reporter=member, reason=FlagReason.OTHER, comment=comment)
    )
    # Once resolved, the member may flag it again.
    Flag.objects.filter(comment=comment).update(status="resolved")
    Flag.objects.create(reporter=member, reason=FlagReason.OTHER, comment=comment)


def test_one_pending_proposal_per_member_and_answer(member):
    answer = AIAnswerFactory()
    Proposal.objects.create(answer=answer, author=member, body="better", reason="fix")
    assert refused(
        lambda: Proposal.objects.create(answer=answer, author=member, body="b", reason="r")
    )
    Proposal.objects.filter(answer=answer).update(status="withdrawn")
    Proposal.objects.create(answer=answer, author=member, body="better still", reason="fix")


def test_revision_numbers_are_unique_per_answer():
    answer = AnswerFactory()
    assert answer.revisions.get().number == 1
    assert refused(lambda: answer.revisions.create(number=1, body="again"))


def test_string_forms_are_readable():
    answer = AIAnswerFactory(question=QuestionFactory(title="What is dropout?"))
    comment = CommentFactory(answer=answer, author=UserFactory(username="carol"))
    assert str(answer.question) == "What is dropout?"
    assert str(answer) == f"AI-generated answer #{answer.pk} to What is dropout?"
    assert str(comment) == f"Comment #{comment.pk} by carol on answer #{answer.pk}"
    assert str(answer.revisions.get()) == f"Revision 1 of answer #{answer.pk}"
