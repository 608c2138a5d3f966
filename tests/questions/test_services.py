import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum

from questions import services
from questions.models import Status, Vote
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_create_answer_stores_rendered_html_first_revision_and_counts_it():
    question = QuestionFactory()
    answer = services.create_answer(
        question=question, body="Use **L2** regularisation.", author=UserFactory()
    )
    question.refresh_from_db()
    assert answer.body_html == "<p>Use <strong>L2</strong> regularisation.</p>\n"
    assert answer.revisions.get().body == "Use **L2** regularisation."
    assert answer.revision_count == 1
    assert question.answer_count == 1


def test_votes_change_and_clear_keep_the_score_exact():
    answer = AIAnswerFactory()
    alice, bob = UserFactory(), UserFactory()
    services.cast_vote(user=alice, answer=answer, choice="up")
    services.cast_vote(user=bob, answer=answer, choice="up")
    services.cast_vote(user=bob, answer=answer, choice="down")
    answer = services.cast_vote(user=alice, answer=answer, choice="up")  # no change
    assert (answer.score, answer.upvotes, answer.downvotes) == (0, 1, 1)
    answer = services.cast_vote(user=bob, answer=answer, choice="clear")
    assert (answer.score, answer.upvotes, answer.downvotes) == (1, 1, 0)
    assert Vote.objects.filter(answer=answer).aggregate(s=Sum("value"))["s"] == answer.score


def test_nobody_votes_on_their_own_answer():
    answer = AnswerFactory()
    with pytest.raises(PermissionDenied):
        services.cast_vote(user=answer.author, answer=answer, choice="up")
    assert not Vote.objects.exists()


def test_hidden_answers_take_no_votes():
    answer = AIAnswerFactory(status=Status.HIDDEN)
    with pytest.raises(PermissionDenied):
        services.cast_vote(user=UserFactory(), answer=answer, choice="up")


def test_unknown_vote_choice_is_refused():
    with pytest.raises(ValueError, match="Unknown vote"):
        services.cast_vote(user=UserFactory(), answer=AIAnswerFactory(), choice="sideways")


def test_comments_render_sanitised_markdown():
    answer = AIAnswerFactory()
    comment = services.add_comment(
        author=UserFactory(), answer=answer, body="<script>alert(1)</script> *fine*"
    )
    assert "<script>" not in comment.body_html
    assert "<em>fine</em>" in comment.body_html


def test_only_an_active_member_can_comment_even_through_the_service():
    answer = AIAnswerFactory()
    suspended = UserFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        services.add_comment(author=suspended, answer=answer, body="Still here?")
    assert not answer.comments.exists()


def test_an_answer_hidden_by_a_moderator_cannot_be_rolled_back_by_its_author():
    author = UserFactory()
    answer = AnswerFactory(author=author, body="First version.")
    services.edit_answer(user=author, answer=answer, body="Second version.")
    services.hide(moderator=ModeratorFactory(), target=answer)
    answer.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.rollback_answer(user=author, answer=answer, number=1)
    answer.refresh_from_db()
    assert (answer.body, answer.revision_count) == ("Second version.", 2)
