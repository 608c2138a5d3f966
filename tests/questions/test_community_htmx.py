"""Every community action both ways: with htmx a fragment (or HX-Redirect), without a page.

htmx swaps 4xx responses too (base.html's responseHandling), so a refusal
with htmx must be a short fragment saying why, never a whole page dropped
into a vote box or a comment list.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from questions import services
from questions.models import Comment, CommentStatus, Flag, ProposalStatus, Status, Vote
from tests.factories import AIAnswerFactory, AnswerFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TEXT = "Dropout is active only in training, so the training loss is measured on a weaker net."
GONE = "This is no longer here: it may have been removed or hidden by a moderator."


def is_fragment(response) -> bool:
    html = response.content.decode()
    return "<html" not in html and "<body" not in html


def is_page(response) -> bool:
    return "<html" in response.content.decode()


@pytest.fixture
def ai_answer():
    return AIAnswerFactory(body="Validation loss below training loss means overfitting.")


@pytest.fixture
def proposal(member, ai_answer):
    return services.propose_answer(user=member, answer=ai_answer, body=TEXT, reason="Dropout")


# --- Flags ---------------------------------------------------------------------------


def test_flag_form_is_a_fragment_with_htmx_and_a_page_without(client, member, ai_answer):
    client.force_login(member)
    params = {"target": "answer", "id": ai_answer.pk}
    inline = client.get(reverse("flag"), params, headers=HTMX)
    assert inline.status_code == 200
    assert is_fragment(inline)
    assert inline.content.decode().lstrip().startswith('<form method="post" action="/flag/"')
    page = client.get(reverse("flag"), params)
    assert is_page(page)
    assert "Flag this answer for the moderators" in page.content.decode()


def test_flagging_with_htmx_thanks_inline(client, member, ai_answer):
    client.force_login(member)
    data = {"target": "answer", "id": ai_answer.pk, "reason": "incorrect", "note": "Wrong."}
    response = client.post(reverse("flag"), data, headers=HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert "Thank you: a moderator will look at it." in response.content.decode()
    flag = Flag.objects.get()
    assert (flag.reporter, flag.answer, flag.reason) == (member, ai_answer, "incorrect")

    again = client.post(reverse("flag"), data, headers=HTMX)
    assert again.status_code == 409
    assert is_fragment(again)
    assert "You have already flagged this answer" in again.content.decode()
    assert Flag.objects.count() == 1


def test_a_bad_flag_shows_the_form_again_inline_with_htmx(client, member, ai_answer):
    client.force_login(member)
    data = {"target": "answer", "id": ai_answer.pk, "reason": "bogus", "note": "?"}
    inline = client.post(reverse("flag"), data, headers=HTMX)
    assert inline.status_code == 400
    assert is_fragment(inline)
    html = inline.content.decode()
    assert html.lstrip().startswith("<form")
    assert "Select a valid choice." in html
    page = client.post(reverse("flag"), data)
    assert page.status_code == 400
    assert is_page(page)
    assert not Flag.objects.exists()


# --- Comments ------------------------------------------------------------------------


def test_a_bad_comment_with_htmx_redraws_the_comments_with_the_error(client, member, ai_answer):
    CommentFactory(answer=ai_answer, body="An earlier remark.")
    client.force_login(member)
    url = reverse("answer_comments", args=[ai_answer.pk])
    response = client.post(url, {"body": "   "}, headers=HTMX)
    assert response.status_code == 400
    assert is_fragment(response)
    html = response.content.decode()
    assert f'id="answer-comments-{ai_answer.pk}"' in html
    assert "An earlier remark." in html  # the list stays
    assert '<p class="inline-error" role="alert">This field is required.</p>' in html
    assert '<details class="comment-add" open>' in html
    assert Comment.objects.count() == 1


def test_too_many_comments_with_htmx_say_so_inline(client, member, ai_answer, settings):
    settings.MLQA_RATE_LIMITS = {"comment": (1, 600)}
    client.force_login(member)
    url = reverse("answer_comments", args=[ai_answer.pk])
    assert client.post(url, {"body": "First."}, headers=HTMX).status_code == 200
    response = client.post(url, {"body": "Second."}, headers=HTMX)
    assert response.status_code == 429
    assert is_fragment(response)
    html = response.content.decode()
    assert f'id="answer-comments-{ai_answer.pk}"' in html
    assert "limit of 1 comments per 10 minutes" in html
    assert list(Comment.objects.values_list("body", flat=True)) == ["First."]


def test_question_comments_with_htmx(client, member, ai_answer, settings):
    settings.MLQA_RATE_LIMITS = {"comment": (1, 600)}
    question = ai_answer.question
    client.force_login(member)
    url = reverse("question_comments", args=[question.pk])

    empty = client.post(url, {"body": ""}, headers=HTMX)
    assert empty.status_code == 400
    assert is_fragment(empty)
    assert "This field is required." in empty.content.decode()

    done = client.post(url, {"body": "Asked at a big lab."}, headers=HTMX)
    comment = Comment.objects.get()
    assert done.status_code == 200
    assert done["HX-Redirect"] == comment.get_absolute_url()
    assert comment.question == question

    limited = client.post(url, {"body": "Again."}, headers=HTMX)
    assert limited.status_code == 429
    assert is_fragment(limited)
    assert "limit of 1 comments per 10 minutes" in limited.content.decode()
    assert Comment.objects.count() == 1


def test_comment_edit_both_ways(client, member):
    comment = CommentFactory(author=member, body="Frist draft.")
    client.force_login(member)
    url = reverse("comment_edit", args=[comment.pk])

    form = client.get(url, headers=HTMX)
    assert form.status_code == 200
    assert is_fragment(form)
    assert "Frist draft.</textarea>" in form.content.decode()
    assert is_page(client.get(url))

    bad = client.post(url, {"body": ""}, headers=HTMX)
    assert bad.status_code == 400
    assert is_fragment(bad)
    assert "This field is required." in bad.content.decode()
    bad = client.post(url, {"body": ""})
    assert (bad.status_code, is_page(bad)) == (400, True)

    done = client.post(url, {"body": "First draft."}, headers=HTMX)
    assert done.status_code == 200
    assert done["HX-Redirect"] == comment.get_absolute_url()
    assert Comment.objects.get().body == "First draft."
    done = client.post(url, {"body": "First draft, fixed."})
    assert (done.status_code, done["Location"]) == (302, comment.get_absolute_url())
    assert Comment.objects.get().body == "First draft, fixed."


def test_comment_edit_and_delete_by_someone_else_are_403_fragments(client, other_member):
    comment = CommentFactory(body="Not yours.")
    client.force_login(other_member)
    for response in (
        client.post(
            reverse("comment_edit", args=[comment.pk]), {"body": "Mine now."}, headers=HTMX
        ),
        client.post(reverse("comment_delete", args=[comment.pk]), headers=HTMX),
    ):
        assert response.status_code == 403
        assert is_fragment(response)
        assert "Only the author of this comment or a moderator" in response.content.decode()
    stored = Comment.objects.get()
    assert (stored.body, stored.status) == ("Not yours.", CommentStatus.PUBLISHED)


def test_comment_delete_both_ways(client, member):
    first, second = CommentFactory(author=member), CommentFactory(author=member)
    client.force_login(member)
    response = client.post(reverse("comment_delete", args=[first.pk]), headers=HTMX)
    assert response.status_code == 200
    # In place: the comment's own <li>, now "comment deleted" (a redirect to the
    # same page's #comment-N would only scroll the browser, not reload it).
    assert is_fragment(response)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="comment" id="comment-{first.pk}">')
    assert "comment deleted" in html
    assert "HX-Redirect" not in response
    response = client.post(reverse("comment_delete", args=[second.pk]))
    assert (response.status_code, response["Location"]) == (302, second.get_absolute_url())
    assert set(Comment.objects.values_list("status", flat=True)) == {CommentStatus.DELETED}


# --- Proposals and rollback ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reviewer", "status"),
    [
        ("proposal_accept", "moderator", ProposalStatus.ACCEPTED),
        ("proposal_reject", "moderator", ProposalStatus.REJECTED),
        ("proposal_withdraw", "member", ProposalStatus.WITHDRAWN),
    ],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_reviewing_a_proposal_both_ways(
    client, request, proposal, ai_answer, name, reviewer, status, htmx
):
    client.force_login(request.getfixturevalue(reviewer))
    # A moderator rejecting says why (the other reviews ignore the field).
    data = {"reason": "Not an improvement"}
    response = client.post(reverse(name, args=[proposal.pk]), data, headers=HTMX if htmx else {})
    if htmx:
        assert response.status_code == 200
        assert response["HX-Redirect"] == ai_answer.get_absolute_url()
    else:
        assert response.status_code == 302
        assert response["Location"] == ai_answer.get_absolute_url()
    proposal.refresh_from_db()
    assert proposal.status == status
    ai_answer.refresh_from_db()
    assert ai_answer.body == (TEXT if status == ProposalStatus.ACCEPTED else proposal.answer.body)
    assert ai_answer.revision_count == (2 if status == ProposalStatus.ACCEPTED else 1)


@pytest.mark.parametrize("name", ["proposal_accept", "proposal_reject", "proposal_withdraw"])
def test_a_refused_review_with_htmx_is_a_403_fragment(client, other_member, proposal, name):
    client.force_login(other_member)
    response = client.post(reverse(name, args=[proposal.pk]), headers=HTMX)
    assert response.status_code == 403
    assert is_fragment(response)
    assert "Only the" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_a_conflict_or_a_second_review_with_htmx_is_a_fragment(client, moderator):
    owner = UserFactory()
    answer = AnswerFactory(author=owner, body="Original text of this answer.")
    proposal = services.propose_answer(
        user=UserFactory(), answer=answer, body="Proposed text, much better.", reason="Better"
    )
    services.edit_answer(user=owner, answer=answer, body="Owner's own newer text.")
    client.force_login(moderator)
    url = reverse("proposal_accept", args=[proposal.pk])
    conflict = client.post(url, headers=HTMX)
    assert conflict.status_code == 409
    assert is_fragment(conflict)
    assert "The answer changed after this proposal was written" in conflict.content.decode()
    answer.refresh_from_db()
    assert answer.body == "Owner's own newer text."
    # Without htmx the proposal page explains it and offers "Accept anyway".
    page = client.post(url)
    assert (page.status_code, is_page(page)) == (409, True)
    assert 'name="seen_revision" value="2"' in page.content.decode()

    client.post(reverse("proposal_reject", args=[proposal.pk]), {"reason": "No"})
    twice = client.post(
        reverse("proposal_reject", args=[proposal.pk]), {"reason": "No"}, headers=HTMX
    )
    assert twice.status_code == 400
    assert is_fragment(twice)
    assert "This proposal was already rejected." in twice.content.decode()


def test_rollback_both_ways(client, member, other_member):
    answer = AnswerFactory(author=member, body="First version of the answer.")
    services.revise_answer(answer=answer, body="Second, worse version.", author=member)
    url = reverse("answer_rollback", args=[answer.pk])

    client.force_login(other_member)
    refused = client.post(url, {"revision": "1"}, headers=HTMX)
    assert refused.status_code == 403
    assert is_fragment(refused)
    assert "Only the author of this answer or a moderator" in refused.content.decode()

    client.force_login(member)
    bad = client.post(url, {"revision": "x"}, headers=HTMX)
    assert bad.status_code == 400
    assert is_fragment(bad)
    assert "Choose a revision to roll back to." in bad.content.decode()
    answer.refresh_from_db()
    assert answer.revision_count == 2

    done = client.post(url, {"revision": "1"}, headers=HTMX)
    assert done.status_code == 200
    assert done["HX-Redirect"] == answer.get_absolute_url()
    answer.refresh_from_db()
    assert (answer.body, answer.revision_count) == ("First version of the answer.", 3)
    done = client.post(url, {"revision": "2"})
    assert (done.status_code, done["Location"]) == (302, answer.get_absolute_url())
    answer.refresh_from_db()
    assert (answer.body, answer.revision_count) == ("Second, worse version.", 4)


# --- 404 and 403 raised inside an htmx action ----------------------------------------


def test_voting_on_an_unknown_or_hidden_answer_with_htmx_is_a_short_404(
    client, member, moderator, ai_answer
):
    client.force_login(member)
    unknown = client.post(reverse("vote", args=[999999]), {"value": "up"}, headers=HTMX)
    assert unknown.status_code == 404
    assert is_fragment(unknown)
    assert GONE in unknown.content.decode()

    services.hide(moderator=moderator, target=ai_answer, reason="Wrong.")
    url = reverse("vote", args=[ai_answer.pk])
    hidden = client.post(url, {"value": "up"}, headers=HTMX)
    assert hidden.status_code == 404
    assert is_fragment(hidden)
    assert hidden.content.decode().strip() == f'<p class="inline-error" role="alert">{GONE}</p>'
    # Without htmx: the site's full "Page not found".
    page = client.post(url, {"value": "up"})
    assert page.status_code == 404
    assert is_page(page)
    assert "Page not found" in page.content.decode()
    ai_answer.refresh_from_db()
    assert (ai_answer.score, ai_answer.upvotes, ai_answer.downvotes) == (0, 0, 0)
    assert not Vote.objects.exists()


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("post", "answer_comments", {"body": "Still there?"}),
        ("get", "answer_comments", {}),
        ("post", "propose", {"body": TEXT, "reason": "Fix", "send": "1"}),
        ("post", "answer_rollback", {"revision": "1"}),
    ],
)
def test_actions_on_a_hidden_answer_with_htmx_are_short_404s(
    client, member, moderator, ai_answer, method, name, data
):
    services.hide(moderator=moderator, target=ai_answer.question, reason="Duplicate.")
    client.force_login(member)
    url = reverse(name, args=[ai_answer.pk])
    response = getattr(client, method)(url, data, headers=HTMX)
    assert response.status_code == 404
    assert is_fragment(response)
    assert GONE in response.content.decode()
    assert not Comment.objects.exists()
    assert not ai_answer.proposals.exists()


def test_flagging_an_unknown_comment_with_htmx_is_a_short_404(client, member):
    client.force_login(member)
    data = {"target": "comment", "id": 999999, "reason": "spam"}
    response = client.post(reverse("flag"), data, headers=HTMX)
    assert response.status_code == 404
    assert is_fragment(response)
    assert GONE in response.content.decode()


def test_a_refusal_from_a_service_with_htmx_is_a_short_403(client, member, ai_answer, monkeypatch):
    """A moderator closes the question between the page's check and the write."""

    def closed(**kwargs):
        raise PermissionDenied("This question is not open for answers.")

    monkeypatch.setattr(services, "answer_question", closed)
    client.force_login(member)
    url = reverse("answer_create", args=[ai_answer.question.pk])
    response = client.post(url, {"body": TEXT}, headers=HTMX)
    assert response.status_code == 403
    assert is_fragment(response)
    assert "This question is not open for answers." in response.content.decode()
    page = client.post(url, {"body": TEXT})
    assert (page.status_code, is_page(page)) == (403, True)
    assert "This question is not open for answers." in page.content.decode()
    assert ai_answer.question.answers.filter(status=Status.PUBLISHED).count() == 1
