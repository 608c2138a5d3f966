"""Members, the audit log and the changelists' queries in the admin, as a Moderators
member (not a superuser)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from questions import services
from questions.models import (
    Answer,
    AnswerRevision,
    Comment,
    Flag,
    ModerationAction,
    Proposal,
    Question,
    Source,
    Topic,
    Vote,
)
from study.models import Bookmark, InterviewReport, Review
from tests.factories import (
    AnswerFactory,
    CommentFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)
from tests.questions.admin_helpers import act, build_moderation_data, changelist

pytestmark = pytest.mark.django_db


def test_suspending_a_member_ends_their_sessions_and_refuses_log_in(mod_client, client, member):
    client.force_login(member)
    assert client.get("/settings/").status_code == 200
    # A reason typed in the action bar is the suspension form's first draft.
    page = act(mod_client, User, "suspend_selected", [member], reason="Posts spam links")
    assert 'value="Posts spam links"' in page.content.decode()
    response = act(
        mod_client, User, "suspend_selected", [member], apply="1", days="7", reason="spam"
    )
    assert "suspended until" in response.content.decode()
    member.refresh_from_db()
    assert member.is_suspended
    assert not member.is_active
    assert client.get("/settings/").status_code == 302  # logged out at once
    assert not client.login(username="alice", password="correct horse battery staple")
    # Lifting the suspension lets them back in, but old sessions stay closed.
    act(mod_client, User, "lift_selected", [member], reason="Appeal accepted")
    assert client.login(username="alice", password="correct horse battery staple")
    reasons = dict(ModerationAction.objects.values_list("action", "reason"))
    assert reasons["suspend"].startswith("spam (until ")
    assert reasons["lift"] == "Appeal accepted"


def test_an_expired_suspension_lifts_itself_at_log_in(client, moderator, member):
    account_services.suspend_member(
        moderator=moderator, member=member, until=timezone.now() + timedelta(days=1), reason="r"
    )
    User.objects.filter(pk=member.pk).update(suspended_until=timezone.now() - timedelta(hours=1))
    assert client.login(username="alice", password="correct horse battery staple")
    member.refresh_from_db()
    assert member.is_active
    assert not member.is_suspended


def test_moderators_cannot_suspend_staff_or_change_roles(mod_client, moderator):
    other = UserFactory(username="staffer", is_staff=True)
    act(mod_client, User, "suspend_selected", [other], apply="1", days="3", reason="x")
    other.refresh_from_db()
    assert other.is_active
    url = reverse("admin:accounts_user_change", args=[other.pk])
    html = mod_client.get(url).content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="display_name"' in html


def test_user_list_shows_content_counts_and_reputation(mod_client):
    author = UserFactory(username="ada")
    answer = AnswerFactory(author=author)
    CommentFactory(author=author)
    services.cast_vote(user=UserFactory(), answer=answer, choice="up")
    html = mod_client.get(changelist(User), {"q": "ada"}).content.decode()
    assert '<td class="field-answer_count">1</td>' in html
    assert '<td class="field-comment_count">1</td>' in html
    assert '<td class="field-reputation">1</td>' in html


def test_audit_log_is_read_only_and_filterable(mod_client, moderator, member):
    comment = CommentFactory(author=member)
    services.delete_comment(user=moderator, comment=comment)  # from the site
    entry = ModerationAction.objects.get()
    assert (entry.moderator, entry.action, entry.target_type) == (moderator, "delete", "comment")
    html = mod_client.get(changelist(ModerationAction), {"action": "delete"}).content.decode()
    assert f"comment #{comment.pk}" in html
    assert (
        mod_client.get(
            reverse("admin:questions_moderationaction_delete", args=[entry.pk])
        ).status_code
        == 403
    )
    response = mod_client.get(reverse("admin:questions_moderationaction_change", args=[entry.pk]))
    assert 'name="reason"' not in response.content.decode()


def test_audit_log_filters_by_moderator(mod_client, moderator):
    other = ModeratorFactory(username="mod2")
    mine = [AnswerFactory(), CommentFactory()]
    for target in mine:
        services.hide(moderator=moderator, target=target)
    services.hide(moderator=other, target=AnswerFactory())
    response = mod_client.get(changelist(ModerationAction))
    assert response.context["cl"].result_count == 3
    html = response.content.decode()
    assert f"?moderator__id__exact={other.pk}" in html  # the filter lists both moderators
    assert f"?moderator__id__exact={moderator.pk}" in html

    response = mod_client.get(changelist(ModerationAction), {"moderator__id__exact": moderator.pk})
    entries = response.context["cl"].result_list
    assert {(e.moderator, e.target_type, e.target_id) for e in entries} == {
        (moderator, "answer", mine[0].pk),
        (moderator, "comment", mine[1].pk),
    }
    response = mod_client.get(changelist(ModerationAction), {"moderator__id__exact": other.pk})
    assert [e.moderator for e in response.context["cl"].result_list] == [other]


def test_moderators_search_answers_and_comments(mod_client):
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    question = QuestionFactory(title="How does gradient clipping help?")
    by_ada = AnswerFactory(question=question, author=ada, body="Clip the norm: quokka.")
    by_bob = AnswerFactory(author=bob, body="Exploding gradients in RNNs.")
    ada_comment = CommentFactory(answer=by_bob, author=ada, body="See also: quokka paper.")
    bob_comment = CommentFactory(answer=by_ada, author=bob, body="Thanks, very clear.")

    def found(model, q: str) -> set:
        response = mod_client.get(changelist(model), {"q": q})
        assert response.status_code == 200
        return {obj.pk for obj in response.context["cl"].result_list}

    assert found(Answer, "quokka") == {by_ada.pk}  # the answer's text
    assert found(Answer, "gradient clipping") == {by_ada.pk}  # its question's title
    assert found(Answer, "bob") == {by_bob.pk}  # its author
    assert found(Comment, "quokka") == {ada_comment.pk}
    assert found(Comment, "bob") == {bob_comment.pk}
    assert found(Comment, "nothing like this") == set()


# The exact number of queries each changelist makes, whatever the number of rows.
MODERATOR_CHANGELISTS = [
    (Proposal, 7),
    (Flag, 7),
    (Question, 11),
    (Answer, 8),
    (AnswerRevision, 7),
    (Comment, 7),
    (Vote, 7),
    (User, 8),
    (ModerationAction, 11),
    (InterviewReport, 10),
    (Source, 7),
    (Topic, 7),
]
SUPERUSER_CHANGELISTS = [(Bookmark, 5), (Review, 5)]  # private: not for moderators


def assert_changelist_queries(client, model, expected, django_assert_num_queries) -> None:
    with django_assert_num_queries(expected):
        response = client.get(changelist(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


@pytest.mark.parametrize(("model", "expected"), MODERATOR_CHANGELISTS)
def test_changelist_query_counts_are_fixed(
    mod_client, moderator, model, expected, django_assert_num_queries
):
    build_moderation_data(moderator, 2)
    assert_changelist_queries(mod_client, model, expected, django_assert_num_queries)
    build_moderation_data(moderator, 15)
    assert_changelist_queries(mod_client, model, expected, django_assert_num_queries)


@pytest.mark.parametrize(("model", "expected"), SUPERUSER_CHANGELISTS)
def test_private_changelist_query_counts_are_fixed(
    admin_client, moderator, model, expected, django_assert_num_queries
):
    build_moderation_data(moderator, 2)
    assert_changelist_queries(admin_client, model, expected, django_assert_num_queries)
    build_moderation_data(moderator, 15)
    assert_changelist_queries(admin_client, model, expected, django_assert_num_queries)
