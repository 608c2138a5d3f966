"""A member deletes their own answer: asked first, soft, refused when others'
accepted proposals are in it, restorable by a moderator in the admin."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.reputation import reputation
from questions import services
from questions.models import (
    Answer,
    AnswerStatus,
    Comment,
    ModerationAction,
    Proposal,
    Vote,
)
from tests.factories import AnswerFactory, CommentFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db
BETTER = "Weight decay adds a penalty on the squared weights, shrinking them each step."


@pytest.fixture
def answer():
    author = UserFactory(username="ada")
    question = QuestionFactory(title="What does weight decay do?")
    answer = AnswerFactory(question=question, author=author, body="Shrinks weights: xylophonic.")
    for voter in ("v1", "v2"):
        services.cast_vote(user=UserFactory(username=voter), answer=answer, choice="up")
    CommentFactory(answer=answer, author=UserFactory(), body="Nice one.")
    return answer


def _accept_from(member, answer, reviewer):
    proposal = services.propose_answer(user=member, answer=answer, body=BETTER, reason="precise")
    services.accept_proposal(user=reviewer, proposal=proposal)
    return proposal


def _form(html: str, action: str) -> dict:
    """The rendered form that posts to ``action``: its hidden fields."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    assert match, f"no form posting to {action}"
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', match.group(0)))


# --- The service ---------------------------------------------------------------------


def test_deleting_hides_it_like_a_moderator_and_keeps_everything(answer, client):
    question, author = answer.question, answer.author
    question.refresh_from_db()
    assert (question.answer_count, reputation(author)) == (1, 2)

    services.delete_answer(user=author, answer=answer)

    answer.refresh_from_db()
    question.refresh_from_db()
    assert answer.status == AnswerStatus.DELETED
    assert (question.answer_count, reputation(author)) == (0, 0)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "xylophonic" not in page
    assert client.get("/", {"q": "xylophonic"}).context["page"].paginator.count == 0
    # Kept for moderators: nothing is removed.
    assert Vote.objects.filter(answer=answer).count() == 2
    assert Comment.objects.filter(answer=answer).count() == 1
    assert answer.revisions.count() == 1
    assert list(ModerationAction.objects.values_list("moderator", "action", "target_id")) == [
        (author.pk, "delete", answer.pk)
    ]
    # A second delete is a no-op, not a second audit record or count.
    services.delete_answer(user=author, answer=answer)
    question.refresh_from_db()
    assert (question.answer_count, ModerationAction.objects.count()) == (0, 1)


def test_only_the_author_can_delete(answer, member, moderator):
    for user in (member, moderator):
        with pytest.raises(PermissionDenied):
            services.delete_answer(user=user, answer=answer)
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PUBLISHED


def test_an_answer_with_others_accepted_proposals_is_refused(answer, member):
    _accept_from(member, answer, answer.author)
    with pytest.raises(ValidationError, match="accepted improvements by another member"):
        services.delete_answer(user=answer.author, answer=answer)
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PUBLISHED


def test_pending_or_rejected_proposals_do_not_block(answer, member, other_member):
    services.propose_answer(user=member, answer=answer, body=BETTER, reason="precise")
    rejected = services.propose_answer(
        user=other_member, answer=answer, body=BETTER + " Also.", reason="x"
    )
    services.reject_proposal(user=answer.author, proposal=rejected)
    services.delete_answer(user=answer.author, answer=answer)
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.DELETED
    assert Proposal.objects.filter(answer=answer).count() == 2


def test_a_hidden_answer_cannot_be_deleted_by_its_author(answer, moderator):
    services.hide(moderator=moderator, target=answer)
    with pytest.raises(PermissionDenied, match="not published"):
        services.delete_answer(user=answer.author, answer=answer)


# --- The pages -----------------------------------------------------------------------


def test_author_follows_delete_confirms_and_the_answer_is_gone(answer, client):
    client.force_login(answer.author)
    page = client.get(answer.question.get_absolute_url()).content.decode()
    url = reverse("answer_delete", args=[answer.pk])
    assert f'<a href="{url}">Delete</a>' in page

    confirm = client.get(url)
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Delete your answer?" in html
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PUBLISHED  # asking changes nothing

    response = client.post(url, _form(html, url), follow=True)
    assert response.redirect_chain[-1][0] == answer.question.get_absolute_url()
    html = response.content.decode()
    assert "Your answer was deleted." in html
    assert "xylophonic" not in html
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.DELETED
    # Deleted answers are gone for the author too.
    assert client.get(url).status_code == 404


def test_others_and_visitors_see_no_delete_and_cannot_delete(answer, client, member, moderator):
    url = reverse("answer_delete", args=[answer.pk])
    for user in (member, moderator):
        client.force_login(user)
        assert url not in client.get(answer.question.get_absolute_url()).content.decode()
        assert client.get(url).status_code == 403
        response = client.post(url)
        assert response.status_code == 403
        assert "Only the author of this answer can delete it." in response.content.decode()
    client.logout()
    assert url not in client.get(answer.question.get_absolute_url()).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PUBLISHED


def test_wrong_method_is_405(answer, client):
    client.force_login(answer.author)
    url = reverse("answer_delete", args=[answer.pk])
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_refusal_is_explained_on_the_confirmation_page(answer, client, member):
    _accept_from(member, answer, answer.author)
    client.force_login(answer.author)
    url = reverse("answer_delete", args=[answer.pk])
    html = client.get(url).content.decode()
    assert "accepted improvements by another member" in html
    assert "Delete my answer" not in html
    response = client.post(url)
    assert response.status_code == 409
    assert "cannot be deleted" in response.content.decode()
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.PUBLISHED


def test_a_moderator_restores_it_in_the_admin_exactly(answer, moderator, client):
    question, author = answer.question, answer.author
    services.delete_answer(user=author, answer=answer)
    admin = Client()
    admin.force_login(moderator)
    changelist = reverse("admin:questions_answer_changelist")
    listing = admin.get(changelist, {"status__exact": "deleted"}).content.decode()
    assert "Deleted by its author" in listing
    assert f"Community answer #{answer.pk} to" in listing
    admin.post(
        changelist,
        {"action": "restore_selected", ACTION_CHECKBOX_NAME: [answer.pk]},
        follow=True,
    )
    answer.refresh_from_db()
    question.refresh_from_db()
    assert answer.status == AnswerStatus.PUBLISHED
    assert (question.answer_count, reputation(author)) == (1, 2)
    assert "xylophonic" in client.get(question.get_absolute_url()).content.decode()
    assert Answer.objects.get(pk=answer.pk).score == 2
