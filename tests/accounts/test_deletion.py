"""Deleting one's own account: what goes, what stays, and that nobody else's
data moves."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import User
from questions.models import (
    Answer,
    Comment,
    CommentStatus,
    Flag,
    ModerationAction,
    Proposal,
    ProposalStatus,
    Status,
    Vote,
)
from questions.services import cast_vote
from study.models import Bookmark, Review
from study.models.plans import DeckOptions, PlanCard, PlanEnrollment, StudyPlan, StudyPlanItem
from study.plans import start_plan
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    BookmarkFactory,
    CommentFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def answer_counters(answer: Answer) -> tuple[int, int, int]:
    answer.refresh_from_db()
    return answer.score, answer.upvotes, answer.downvotes


def assert_scores_match_the_votes():
    for answer in Answer.objects.all():
        votes = Vote.objects.filter(answer=answer)
        assert answer.score == (votes.aggregate(total=Sum("value"))["total"] or 0)
        assert answer.upvotes == votes.filter(value=Vote.UP).count()
        assert answer.downvotes == votes.filter(value=Vote.DOWN).count()


@pytest.fixture
def scene(member, other_member):
    """alice (member) has written, voted, bookmarked and proposed; bob and carol too."""
    alice, bob = member, other_member
    carol = UserFactory(username="carol")
    question = QuestionFactory()

    alices_answer = AnswerFactory(question=question, author=alice, body="Alice's answer.")
    cast_vote(user=bob, answer=alices_answer, choice="up")
    cast_vote(user=carol, answer=alices_answer, choice="down")
    alices_comment = CommentFactory(author=alice, answer=alices_answer, body="My own note.")

    bobs_answer = AnswerFactory(question=question, author=bob)
    cast_vote(user=alice, answer=bobs_answer, choice="up")
    cast_vote(user=carol, answer=bobs_answer, choice="up")
    ai_answer = AIAnswerFactory(question=question)
    cast_vote(user=alice, answer=ai_answer, choice="down")
    cast_vote(user=bob, answer=ai_answer, choice="up")
    cast_vote(user=carol, answer=ai_answer, choice="up")

    alices_bookmark = BookmarkFactory(user=alice, question=question, note="private")
    Review.objects.create(
        bookmark=alices_bookmark,
        rating=3,
        reviewed_at=timezone.now(),
        due_after=timezone.now(),
    )
    bobs_bookmark = BookmarkFactory(user=bob, question=question)
    assert question.bookmark_count == 2  # counted as made

    pending = Proposal.objects.create(answer=ai_answer, author=alice, body="Better.", reason="x")
    accepted = Proposal.objects.create(
        answer=bobs_answer, author=alice, body="Fixed.", reason="y", status="accepted"
    )
    bobs_pending = Proposal.objects.create(answer=ai_answer, author=bob, body="Mine.", reason="z")

    EmailAddress.objects.create(user=alice, email=alice.email, primary=True, verified=True)
    EmailAddress.objects.create(user=bob, email=bob.email, primary=True, verified=True)
    SocialAccount.objects.create(user=alice, provider="github", uid="4242")

    return {
        "alice": alice,
        "bob": bob,
        "carol": carol,
        "question": question,
        "alices_answer": alices_answer,
        "alices_comment": alices_comment,
        "bobs_answer": bobs_answer,
        "ai_answer": ai_answer,
        "bobs_bookmark": bobs_bookmark,
        "pending": pending,
        "accepted": accepted,
        "bobs_pending": bobs_pending,
    }


def test_personal_data_and_sign_in_methods_are_gone(scene):
    alice = scene["alice"]
    services.delete_account(user=alice)
    alice = User.objects.get(pk=alice.pk)
    assert alice.username == f"deleted-{alice.pk}"
    assert (alice.email, alice.display_name, alice.bio) == ("", "", "")
    assert (alice.first_name, alice.last_name) == ("", "")
    assert not alice.is_active
    assert not alice.has_usable_password()
    assert alice.public_name == "deleted member"
    assert not EmailAddress.objects.filter(user=alice).exists()
    assert not SocialAccount.objects.filter(user=alice).exists()


def test_what_they_published_stays_under_deleted_member(scene):
    services.delete_account(user=scene["alice"])
    answer = Answer.objects.select_related("author").get(pk=scene["alices_answer"].pk)
    assert answer.status == Status.PUBLISHED
    assert answer.body == "Alice's answer."
    assert answer.author.public_name == "deleted member"
    # Votes others cast on it are theirs: they stay.
    assert answer_counters(answer) == (0, 1, 1)
    comment = Comment.objects.select_related("author").get(pk=scene["alices_comment"].pk)
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.author.public_name == "deleted member"
    accepted = Proposal.objects.get(pk=scene["accepted"].pk)
    assert accepted.status == ProposalStatus.ACCEPTED


def test_their_votes_are_removed_and_scores_recomputed_exactly(scene):
    assert answer_counters(scene["bobs_answer"]) == (2, 2, 0)
    assert answer_counters(scene["ai_answer"]) == (1, 2, 1)

    services.delete_account(user=scene["alice"])

    assert not Vote.objects.filter(user=scene["alice"]).exists()
    assert answer_counters(scene["bobs_answer"]) == (1, 1, 0)
    assert answer_counters(scene["ai_answer"]) == (2, 2, 0)
    assert Vote.objects.filter(user__username__in=["bob", "carol"]).count() == 5
    assert_scores_match_the_votes()


def test_bookmarks_and_practice_history_are_deleted(scene):
    services.delete_account(user=scene["alice"])
    assert list(Bookmark.objects.all()) == [scene["bobs_bookmark"]]
    assert not Review.objects.exists()
    scene["question"].refresh_from_db()
    assert scene["question"].bookmark_count == 1


def test_followed_plans_and_deck_options_are_deleted_and_nobody_elses(scene):
    alice, bob = scene["alice"], scene["bob"]
    plan = StudyPlan.objects.create(title="Two weeks", slug="two-weeks", days=14, is_published=True)
    StudyPlanItem.objects.create(plan=plan, question=scene["question"], position=0)
    for member in (alice, bob):
        start_plan(user=member, plan=plan)
        DeckOptions.objects.create(user=member, new_per_day=5)

    services.delete_account(user=alice)

    assert list(PlanEnrollment.objects.values_list("user__username", flat=True)) == ["bob"]
    assert list(PlanCard.objects.values_list("enrollment__user__username", flat=True)) == ["bob"]
    assert list(DeckOptions.objects.values_list("user__username", "new_per_day")) == [("bob", 5)]
    assert StudyPlan.objects.filter(pk=plan.pk).exists()


def test_pending_proposals_are_withdrawn_and_nobody_elses(scene):
    services.delete_account(user=scene["alice"])
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert statuses == {
        scene["pending"].pk: ProposalStatus.WITHDRAWN,
        scene["accepted"].pk: ProposalStatus.ACCEPTED,
        scene["bobs_pending"].pk: ProposalStatus.PENDING,
    }


def test_other_members_are_untouched(scene):
    bob = scene["bob"]
    before = User.objects.filter(pk=bob.pk).values().get()
    services.delete_account(user=scene["alice"])
    assert User.objects.filter(pk=bob.pk).values().get() == before
    assert EmailAddress.objects.filter(user=bob, verified=True).exists()


def test_a_moderator_who_leaves_loses_staff_and_group(moderator):
    services.delete_account(user=moderator)
    moderator.refresh_from_db()
    assert not moderator.is_staff
    assert not moderator.groups.exists()


def test_an_account_cannot_be_deleted_twice(member):
    services.delete_account(user=member)
    with pytest.raises(ValueError, match="already been deleted"):
        services.delete_account(user=member)


# --- Through the settings page -------------------------------------------------


def test_the_settings_page_offers_deletion_with_the_username_to_type(client, member):
    client.force_login(member)
    html = client.get(reverse("profile_settings")).content.decode()
    assert 'action="/settings/delete/"' in html
    assert "Type your username, <strong>alice</strong>, to confirm" in html


@pytest.mark.parametrize("typed", ["bob", "Alice", "", "alice x"])
def test_a_wrong_confirmation_is_a_400_and_changes_nothing(client, scene, typed):
    alice = scene["alice"]
    client.force_login(alice)
    response = client.post(reverse("delete_account"), {"confirm": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Delete your account" in html
    if typed:
        assert "That is not your username. Type “alice” exactly" in html
    else:
        assert "This field is required." in html
    alice.refresh_from_db()
    assert alice.is_active
    assert alice.username == "alice"
    assert Vote.objects.filter(user=alice).count() == 2
    assert Bookmark.objects.filter(user=alice).exists()
    assert EmailAddress.objects.filter(user=alice).exists()
    # Still signed in.
    assert client.get(reverse("profile_settings")).status_code == 200


def test_deleting_signs_out_every_session(client, member):
    other_device = type(client)()
    other_device.force_login(member)
    client.force_login(member)
    response = client.post(reverse("delete_account"), {"confirm": "alice"})
    assert response["Location"] == reverse("home")
    assert other_device.get(reverse("profile_settings")).status_code == 302


# --- Through the admin ---------------------------------------------------------


def delete_through_the_admin(client, action: str, users, **extra):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [u.pk for u in users], **extra},
        follow=True,
    )


@pytest.fixture
def flags(scene):
    """alice flagged bob's answer; bob flagged alice's."""
    return [
        Flag.objects.create(reporter=scene["alice"], answer=scene["bobs_answer"], reason="spam"),
        Flag.objects.create(reporter=scene["bob"], answer=scene["alices_answer"], reason="spam"),
    ]


def test_the_admin_deletes_an_account_only_through_the_service(admin_client, scene, flags):
    alice = scene["alice"]
    # Django's own delete (the page and the bulk action) would drop the user row:
    # their votes would cascade away under the scores, and their flags with them.
    url = reverse("admin:accounts_user_delete", args=[alice.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    delete_through_the_admin(admin_client, "delete_selected", [alice], post="yes")
    assert User.objects.filter(pk=alice.pk, username="alice", is_active=True).exists()
    assert Vote.objects.filter(user=alice).count() == 2

    page = delete_through_the_admin(admin_client, "delete_accounts", [alice], reason="GDPR")
    assert "credited to “deleted member”" in page.content.decode()
    assert User.objects.get(pk=alice.pk).username == "alice"  # not before confirming
    page = delete_through_the_admin(
        admin_client, "delete_accounts", [alice], apply="1", reason="Asked by e-mail"
    )
    assert "1 account(s) deleted." in page.content.decode()

    alice = User.objects.get(pk=alice.pk)
    assert alice.public_name == "deleted member"
    assert not alice.is_active
    assert not Vote.objects.filter(user=alice).exists()
    assert_scores_match_the_votes()
    assert answer_counters(scene["bobs_answer"]) == (1, 1, 0)
    # As the service does: flags (theirs and on their content) and their content stay,
    # their bookmarks go.
    assert set(Flag.objects.all()) == set(flags)
    assert Answer.objects.get(pk=scene["alices_answer"].pk).status == Status.PUBLISHED
    assert list(Bookmark.objects.all()) == [scene["bobs_bookmark"]]
    entry = ModerationAction.objects.get()
    assert (entry.action, entry.target_type, entry.target_repr, entry.reason) == (
        "delete",
        "user",
        "alice",
        "Asked by e-mail",
    )


def test_moderators_cannot_delete_accounts_in_the_admin(client, moderator, scene):
    client.force_login(moderator)
    alice = scene["alice"]
    delete_through_the_admin(client, "delete_accounts", [alice], apply="1")
    url = reverse("admin:accounts_user_delete", args=[alice.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.get(pk=alice.pk).is_active
    with pytest.raises(PermissionDenied):
        services.delete_member_account(administrator=moderator, member=alice)


def test_a_superuser_deletes_no_account_twice_nor_their_own(admin_client, admin_user, member):
    delete_through_the_admin(admin_client, "delete_accounts", [member], apply="1")
    page = delete_through_the_admin(
        admin_client, "delete_accounts", [member, admin_user], apply="1"
    )
    html = page.content.decode()
    assert "This account has already been deleted." in html
    assert "Delete your own account from your settings page." in html
    assert "0 account(s) deleted." in html
    assert User.objects.get(pk=admin_user.pk).is_active
    assert ModerationAction.objects.count() == 1


def test_notifications_follows_and_email_settings_are_deleted(scene):
    from notifications.models import (
        EmailSetting,
        Event,
        Kind,
        Notification,
        QuestionFollow,
        TopicFollow,
    )
    from tests.factories import TopicFactory

    alice, bob, question = scene["alice"], scene["bob"], scene["question"]
    for user in (alice, bob):
        Notification.objects.create(
            recipient=user, event=Event.ANSWER_TO_QUESTION, kind=Kind.ANSWER, question=question
        )
        QuestionFollow.objects.create(user=user, question=question)
        TopicFollow.objects.create(user=user, topic=TopicFactory())
        EmailSetting.objects.create(user=user, kind=Kind.ANSWER, delivery="off")
    services.delete_account(user=alice)
    for model, field in [
        (Notification, "recipient"),
        (QuestionFollow, "user"),
        (TopicFollow, "user"),
        (EmailSetting, "user"),
    ]:
        assert set(model.objects.values_list(field, flat=True)) == {bob.pk}, model
