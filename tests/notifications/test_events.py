"""Each event notifies exactly the right members, once, after the action commits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.services import delete_account
from notifications.models import Event, Notification
from questions import services
from questions.services import moderation, vetting
from tests.factories import (
    AIAnswerFactory,
    TopicFactory,
    UserFactory,
)

from .conftest import inbox


def test_nothing_is_written_before_the_action_commits(
    answer, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.add_comment(author=member, answer=answer, body="A first remark.")
    assert len(callbacks) == 1
    assert not Notification.objects.exists()


def test_a_comment_on_an_answer_tells_its_author_and_the_thread(
    after_commit, answer, answerer, asker, member, other_member
):
    with after_commit():
        services.add_comment(author=member, answer=answer, body="Mention early stopping.")
    with after_commit():
        services.add_comment(author=other_member, answer=answer, body="And weight decay.")
    assert inbox(answerer) == [
        (Event.COMMENT_ON_ANSWER, member.pk),
        (Event.COMMENT_ON_ANSWER, other_member.pk),
    ]
    assert inbox(member) == [(Event.COMMENT_IN_THREAD, other_member.pk)]
    assert inbox(other_member) == []  # never the actor
    assert inbox(asker) == []  # comments on an answer are not the question's news


def test_a_comment_on_a_question_tells_the_asker(after_commit, question, asker, member):
    with after_commit():
        comment = services.add_comment(author=member, question=question, body="Which loss?")
    assert inbox(asker) == [(Event.COMMENT_ON_QUESTION, member.pk)]
    assert Notification.objects.get(recipient=asker).comment == comment


def test_commenting_on_your_own_answer_tells_nobody(after_commit, answer, answerer):
    with after_commit():
        services.add_comment(author=answerer, answer=answer, body="Edit: see below.")
    assert not Notification.objects.exists()


def test_a_mention_is_one_notification_even_for_the_answers_author(
    after_commit, answer, answerer, member, other_member
):
    body = f"@{other_member.username} and @{answerer.username.upper()}, see this."
    with after_commit():
        services.add_comment(author=member, answer=answer, body=body)
    assert inbox(other_member) == [(Event.MENTION, member.pk)]
    assert inbox(answerer) == [(Event.COMMENT_ON_ANSWER, member.pk)]  # one, the most specific


def test_an_email_address_is_not_a_mention(after_commit, answer, member, other_member):
    with after_commit():
        services.add_comment(author=member, answer=answer, body=f"Mail x@{other_member.username}")
    assert inbox(other_member) == []


def test_a_new_answer_tells_the_asker_and_the_followers(
    after_commit, question, asker, member, other_member
):
    with after_commit():
        services.add_comment(author=other_member, question=question, body="Good one.")
    Notification.objects.all().delete()
    with after_commit():
        services.answer_question(user=member, question=question, body="Bias and variance trade.")
    assert inbox(asker) == [(Event.ANSWER_TO_QUESTION, member.pk)]
    assert inbox(other_member) == [(Event.ANSWER_TO_FOLLOWED, member.pk)]  # followed by commenting
    assert inbox(member) == []


def test_suspended_and_deleted_members_are_not_notified(
    after_commit, question, asker, member, other_member, moderator
):
    follower = UserFactory()
    for user in (other_member, follower):
        with after_commit():
            services.add_comment(author=user, question=question, body=f"Hi from {user.username}")
    Notification.objects.all().delete()
    with after_commit():
        account_services.suspend_member(
            moderator=moderator,
            member=other_member,
            until=timezone.now() + timedelta(days=3),
            reason="Spam",
        )
    delete_account(user=asker)
    Notification.objects.exclude(event=Event.SUSPENDED).delete()
    with after_commit():
        services.answer_question(user=member, question=question, body="An answer for all.")
    assert inbox(follower) == [(Event.ANSWER_TO_FOLLOWED, member.pk)]
    assert inbox(other_member) == [(Event.SUSPENDED, moderator.pk)]  # only their suspension
    assert not Notification.objects.filter(recipient__username__startswith="deleted-").exists()


def test_a_proposal_tells_the_answers_author_and_the_review_tells_the_proposer(
    after_commit, answer, answerer, member, moderator
):
    with after_commit():
        proposal = services.propose_answer(
            user=member, answer=answer, body="A better version of it.", reason="Clearer"
        )
    assert inbox(answerer) == [(Event.PROPOSAL, member.pk)]
    with after_commit():
        services.reject_proposal(user=moderator, proposal=proposal, reason="Loses the example.")
    assert inbox(member) == [(Event.PROPOSAL_REJECTED, moderator.pk)]
    assert Notification.objects.get(recipient=member).reason == "Loses the example."


def test_an_accepted_proposal_tells_the_proposer(after_commit, answer, answerer, member):
    proposal = services.propose_answer(
        user=member, answer=answer, body="A better version of it.", reason="Clearer"
    )
    with after_commit():
        services.accept_proposal(user=answerer, proposal=proposal)
    assert inbox(member) == [(Event.PROPOSAL_ACCEPTED, answerer.pk)]


def test_a_moderator_must_give_a_reason_to_reject(answer, member, moderator):
    proposal = services.propose_answer(user=member, answer=answer, body="Better.", reason="r")
    with pytest.raises(Exception, match="reason"):
        services.reject_proposal(user=moderator, proposal=proposal, reason="  ")


def test_a_verdict_note_tells_the_answers_author(after_commit, answer, answerer, member):
    with after_commit():
        vetting.give_verdict(user=member, answer=answer, value="wrong", note="Mixes up L1 and L2.")
    with after_commit():  # the same note again: nothing new
        vetting.give_verdict(user=member, answer=answer, value="wrong", note="Mixes up L1 and L2.")
    with after_commit():
        vetting.give_verdict(user=UserFactory(), answer=answer, value="correct")
    assert inbox(answerer) == [(Event.VERDICT, member.pk)]


def test_a_submitted_question_is_held_then_published_for_topic_followers(
    after_commit, member, other_member, moderator
):
    topic = TopicFactory()
    client_follow = UserFactory()
    from notifications.following import set_topic

    set_topic(user=client_follow, topic=topic, on=True)
    set_topic(user=member, topic=topic, on=True)  # the asker: told it is published, once
    with after_commit():
        question = services.submit_question(
            user=member, title="How does dropout behave at test time?", topics=[topic]
        )
    assert inbox(member) == [(Event.QUESTION_HELD, None)]
    assert inbox(client_follow) == []  # not public yet
    with after_commit():
        moderation.publish(moderator=moderator, target=question)
    assert inbox(member)[-1] == (Event.QUESTION_PUBLISHED, moderator.pk)
    assert len(inbox(member)) == 2
    assert inbox(client_follow) == [(Event.TOPIC_QUESTION, member.pk)]


@pytest.mark.parametrize("what", ["question", "answer", "comment"])
def test_hiding_tells_the_author_with_the_reason(after_commit, what, answer, member, moderator):
    comment = services.add_comment(author=member, answer=answer, body="Rude words here.")
    target = {"question": answer.question, "answer": answer, "comment": comment}[what]
    author = {"question": answer.question.submitted_by, "answer": answer.author, "comment": member}
    with after_commit():
        moderation.hide(moderator=moderator, target=target, reason="Off topic")
    notification = Notification.objects.get(event=Event.HIDDEN)
    assert notification.recipient == author[what]
    assert notification.reason == "Off topic"


def test_suspension_and_its_end_are_told(after_commit, member, moderator):
    with after_commit():
        account_services.suspend_member(
            moderator=moderator,
            member=member,
            until=timezone.now() + timedelta(days=1),
            reason="Spam",
        )
    with after_commit():
        account_services.lift_suspension(moderator=moderator, member=member)
    assert inbox(member) == [
        (Event.SUSPENDED, moderator.pk),
        (Event.SUSPENSION_ENDED, moderator.pk),
    ]


def test_ai_and_imported_answers_tell_nobody(after_commit, question, asker):
    with after_commit():
        AIAnswerFactory(question=question)
    assert inbox(asker) == []


def test_an_answer_hidden_before_the_task_runs_tells_nobody(
    django_capture_on_commit_callbacks, question, asker, member, moderator
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = services.answer_question(user=member, question=question, body="Spam spam spam.")
    moderation.hide(moderator=moderator, target=answer, reason="Spam")
    Notification.objects.all().delete()
    for callback in callbacks:
        callback()
    assert inbox(asker) == []


def test_a_failing_notification_never_breaks_the_action(after_commit, answer, member, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("queue is down")

    monkeypatch.setattr("django.tasks.backends.immediate.ImmediateBackend.enqueue", broken)
    with after_commit():
        comment = services.add_comment(author=member, answer=answer, body="Still posted.")
    assert comment.status == "published"
    assert not Notification.objects.exists()
