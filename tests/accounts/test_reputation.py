import pytest

from accounts.models import User
from accounts.reputation import ACCEPTED_PROPOSAL_CREDIT, reputation, with_reputation
from questions.models import Answer, Proposal, ProposalStatus, Status
from questions.services import cast_vote, hide, restore
from tests.factories import AIAnswerFactory, AnswerFactory, UserFactory

pytestmark = pytest.mark.django_db


def vote(answer, *choices):
    for choice in choices:
        cast_vote(user=UserFactory(), answer=answer, choice=choice)


def propose(answer, author, status):
    return Proposal.objects.create(
        answer=answer, author=author, body="Better.", reason="Clearer.", status=status
    )


def test_a_new_member_has_none(member):
    assert reputation(member) == 0


def test_votes_received_on_published_answers_count(member):
    vote(AnswerFactory(author=member), "up", "up", "up", "down")
    vote(AnswerFactory(author=member), "down")
    assert reputation(member) == 3 - 1 - 1


def test_votes_on_hidden_answers_and_on_other_peoples_answers_do_not(member, other_member):
    hidden = AnswerFactory(author=member)
    vote(hidden, "up", "up")
    Answer.objects.filter(pk=hidden.pk).update(status=Status.HIDDEN)
    vote(AnswerFactory(author=other_member), "up")
    # Votes the member casts are not votes they receive.
    cast_vote(user=member, answer=AIAnswerFactory(), choice="up")
    assert reputation(member) == 0
    assert reputation(other_member) == 1


def test_each_accepted_proposal_earns_credit_and_others_do_not(member):
    target = AIAnswerFactory()
    propose(target, member, ProposalStatus.ACCEPTED)
    propose(AIAnswerFactory(), member, ProposalStatus.ACCEPTED)
    propose(target, member, ProposalStatus.PENDING)
    propose(target, member, ProposalStatus.REJECTED)
    propose(target, member, ProposalStatus.WITHDRAWN)
    assert ACCEPTED_PROPOSAL_CREDIT == 2
    assert reputation(member) == 4


def test_votes_and_proposals_add_up_without_counting_twice(member):
    """Several answers and several proposals: a join would multiply them."""
    vote(AnswerFactory(author=member), "up", "up")
    vote(AnswerFactory(author=member), "up")
    propose(AIAnswerFactory(), member, ProposalStatus.ACCEPTED)
    propose(AIAnswerFactory(), member, ProposalStatus.ACCEPTED)
    propose(AIAnswerFactory(), member, ProposalStatus.ACCEPTED)
    assert reputation(member) == 3 + 3 * 2


def test_the_list_annotation_agrees_with_the_single_member_function(
    member, other_member, django_assert_num_queries
):
    vote(AnswerFactory(author=member), "up", "up")
    propose(AIAnswerFactory(), other_member, ProposalStatus.ACCEPTED)
    vote(AnswerFactory(author=other_member), "down")
    users = User.objects.filter(username__in=["alice", "bob", "carol"])
    UserFactory(username="carol")
    with django_assert_num_queries(1):
        by_name = {u.username: u.reputation for u in with_reputation(users)}
    assert by_name == {"alice": 2, "bob": 1, "carol": 0}
    assert all(by_name[u.username] == reputation(u) for u in users)
    ranked = with_reputation(users).order_by("-reputation", "username")
    assert [u.username for u in ranked] == ["alice", "bob", "carol"]


@pytest.mark.parametrize("hidden", ["answer", "question"])
def test_accepted_proposals_on_hidden_content_stop_counting_until_restored(
    member, moderator, hidden
):
    """Hiding the answer (or its question) takes the credit away; restoring gives it back."""
    vote(AnswerFactory(author=member), "up")
    target = AIAnswerFactory()
    propose(target, member, ProposalStatus.ACCEPTED)
    assert reputation(member) == 1 + ACCEPTED_PROPOSAL_CREDIT

    content = target if hidden == "answer" else target.question
    hide(moderator=moderator, target=content, reason="Spam.")
    assert reputation(member) == 1
    assert with_reputation(User.objects.filter(pk=member.pk)).get().reputation == 1

    restore(moderator=moderator, target=content)
    assert reputation(member) == 1 + ACCEPTED_PROPOSAL_CREDIT
