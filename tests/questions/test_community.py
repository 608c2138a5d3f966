"""Community actions end to end: what members see change, with and without htmx."""

import pytest
from django.test import override_settings
from django.urls import reverse

from questions import services
from questions.forms import COMMENT_MAX
from questions.models import Answer, Comment, CommentStatus, Flag, Proposal, ProposalStatus, Vote
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TEXT = "Dropout is active only in training, so the training loss is measured on a weaker net."


@pytest.fixture
def ai_answer():
    return AIAnswerFactory(body="Validation loss below training loss means overfitting.")


def test_vote_with_htmx_returns_the_vote_box_and_toggles(client, member, ai_answer):
    client.force_login(member)
    url = reverse("vote", args=[ai_answer.pk])
    response = client.post(url, {"value": "up"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="vote-{ai_answer.pk}"' in html
    assert 'class="vote vote-up active"' in html
    # The active arrow now clears the vote.
    assert 'value="clear" class="vote vote-up active"' in html
    assert '<span class="score" aria-label="Score 1">1</span>' in html
    response = client.post(url, {"value": "clear"}, headers=HTMX)
    assert '<span class="score" aria-label="Score 0">0</span>' in response.content.decode()
    assert not Vote.objects.exists()


def test_vote_without_htmx_redirects_to_the_answer(client, member, ai_answer):
    client.force_login(member)
    response = client.post(reverse("vote", args=[ai_answer.pk]), {"value": "down"})
    assert response.status_code == 302
    assert response["Location"] == ai_answer.get_absolute_url()
    ai_answer.refresh_from_db()
    assert (ai_answer.score, ai_answer.downvotes) == (-1, 1)


@pytest.mark.parametrize("value", ["", "sideways", "1", "UP" * 500])
def test_bad_vote_values_are_400_and_change_nothing(client, member, ai_answer, value):
    client.force_login(member)
    response = client.post(reverse("vote", args=[ai_answer.pk]), {"value": value})
    assert response.status_code == 400
    assert "A vote is up, down or clear." in response.content.decode()
    response = client.post(reverse("vote", args=[ai_answer.pk]), {"value": value}, headers=HTMX)
    assert response.status_code == 400
    assert "A vote is up, down or clear." in response.content.decode()
    assert not Vote.objects.exists()


def test_own_answer_vote_is_refused_inline_with_htmx(client):
    answer = AnswerFactory()
    client.force_login(answer.author)
    response = client.post(reverse("vote", args=[answer.pk]), {"value": "up"}, headers=HTMX)
    assert response.status_code == 403
    assert "You cannot vote on your own answer." in response.content.decode()


def test_unknown_ids_are_404(client, member):
    client.force_login(member)
    for name in ("vote", "answer_comments", "propose", "answer_edit", "answer_rollback"):
        assert client.post(reverse(name, args=[999999]), {"value": "up"}).status_code == 404
    assert client.post(reverse("proposal_accept", args=[999999])).status_code == 404
    assert client.post(reverse("flag"), {"target": "answer", "id": 999999}).status_code == 404
    assert client.post(reverse("flag"), {"target": "user", "id": 1}).status_code == 400


@override_settings(MLQA_RATE_LIMITS={"vote": (3, 60), "comment": (2, 600)})
def test_rate_limits_answer_429_with_a_readable_message(client, member):
    client.force_login(member)
    answers = [AIAnswerFactory() for _ in range(4)]
    statuses = [
        client.post(reverse("vote", args=[a.pk]), {"value": "up"}, headers=HTMX).status_code
        for a in answers
    ]
    assert statuses == [200, 200, 200, 429]
    assert Vote.objects.count() == 3
    response = client.post(reverse("vote", args=[answers[3].pk]), {"value": "up"}, headers=HTMX)
    assert "limit of 3 votes per minute" in response.content.decode()
    assert f'id="vote-{answers[3].pk}"' in response.content.decode()  # shown inline

    url = reverse("answer_comments", args=[answers[0].pk])
    for n in range(2):  # two different comments: the same text twice is one comment
        assert client.post(url, {"body": f"Good point {n}."}).status_code == 302
    response = client.post(url, {"body": "One too many."})
    assert response.status_code == 429
    assert "limit of 2 comments per 10 minutes" in response.content.decode()
    assert Comment.objects.count() == 2


def test_comments_htmx_fragment_and_deleted_placeholder(client, member, ai_answer):
    client.force_login(member)
    url = reverse("answer_comments", args=[ai_answer.pk])
    response = client.post(url, {"body": "Check **dropout** first."}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="answer-comments-{ai_answer.pk}"' in html
    assert "<strong>dropout</strong>" in html

    comment = Comment.objects.get()
    client.post(reverse("comment_delete", args=[comment.pk]))
    page = client.get(ai_answer.question.get_absolute_url()).content.decode()
    assert "comment deleted" in page
    assert "Check <strong>dropout</strong> first." not in page
    assert Comment.objects.get().status == CommentStatus.DELETED


@pytest.mark.parametrize("body", ["", " ", "x" * (COMMENT_MAX + 1)])
def test_bad_comments_are_400(client, member, ai_answer, body):
    client.force_login(member)
    response = client.post(reverse("answer_comments", args=[ai_answer.pk]), {"body": body})
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_only_the_first_comments_show_and_the_rest_load_with_htmx(client, ai_answer):
    for n in range(8):
        CommentFactory(answer=ai_answer, body=f"Comment number {n}")
    page = client.get(ai_answer.question.get_absolute_url()).content.decode()
    assert "Comment number 4" in page
    assert "Comment number 5" not in page
    assert "Show 3 more comments" in page
    url = reverse("answer_comments", args=[ai_answer.pk])
    fragment = client.get(url, headers=HTMX).content.decode()
    assert "Comment number 7" in fragment
    assert "<html" not in fragment
    # Without JavaScript the link shows every comment on the page itself.
    response = client.get(url)
    assert response.status_code == 302
    assert "Comment number 7" in client.get(response["Location"]).content.decode()


def test_answering_publishes_with_a_first_revision(client, member, ai_answer):
    client.force_login(member)
    question = ai_answer.question
    response = client.post(reverse("answer_create", args=[question.pk]), {"body": TEXT})
    answer = Answer.objects.get(author=member)
    assert response["Location"] == answer.get_absolute_url()
    assert answer.revisions.get().body == TEXT
    question.refresh_from_db()
    assert question.answer_count == 2
    assert TEXT in client.get(question.get_absolute_url()).content.decode()


def test_a_too_short_answer_shows_the_form_again_with_htmx(client, member, ai_answer):
    client.force_login(member)
    url = reverse("answer_create", args=[ai_answer.question.pk])
    response = client.post(url, {"body": "Too short"}, headers=HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="your-answer"' in html
    assert "at least 30 characters" in html
    assert "Too short</textarea>" in html
    response = client.post(url, {"body": "Too short"})
    assert response.status_code == 400
    assert "<html" in response.content.decode()


def test_preview_renders_markdown_safely(client, member):
    client.force_login(member)
    response = client.post(reverse("preview"), {"body": "**bold** <script>x</script> $x^2$"})
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert "<math" in html


def test_edits_make_revisions_and_history_shows_word_diffs(client, member):
    answer = AnswerFactory(author=member, body="Use L2 regularisation.")
    client.force_login(member)
    response = client.post(
        reverse("answer_edit", args=[answer.pk]),
        {"body": "Use L1 regularisation for sparsity.", "summary": "L1, not L2"},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.revision_count == 2
    assert answer.body_html == "<p>Use L1 regularisation for sparsity.</p>\n"
    history = client.get(reverse("answer_history", args=[answer.pk])).content.decode()
    assert "<del>L2</del><ins>L1</ins>" in history
    assert (
        "<ins>for sparsity.</ins>" in history
        or "<ins>regularisation for sparsity.</ins>" in history
    )
    assert "L1, not L2" in history
    page = client.get(answer.question.get_absolute_url()).content.decode()
    assert "edited (2 revisions)" in page


def test_unchanged_edit_is_refused(client, member):
    answer = AnswerFactory(author=member, body="Use L2 regularisation for weights.")
    client.force_login(member)
    response = client.post(
        reverse("answer_edit", args=[answer.pk]), {"body": answer.body, "summary": ""}
    )
    assert response.status_code == 400
    assert "Nothing changed." in response.content.decode()


def test_rollback_creates_a_new_revision_with_the_old_text(client, member):
    answer = AnswerFactory(author=member, body="First version of the answer.")
    services.revise_answer(answer=answer, body="Second, worse version.", author=member)
    client.force_login(member)
    client.post(reverse("answer_rollback", args=[answer.pk]), {"revision": "1"})
    answer.refresh_from_db()
    assert answer.body == "First version of the answer."
    assert answer.revision_count == 3
    assert answer.revisions.get(number=3).summary == "Rolled back to revision 1"
    for bad in ("", "abc", "99"):
        response = client.post(reverse("answer_rollback", args=[answer.pk]), {"revision": bad})
        assert response.status_code == 400


def test_proposal_diff_preview_with_and_without_htmx(client, member, ai_answer):
    client.force_login(member)
    url = reverse("propose", args=[ai_answer.pk])
    page = client.get(url).content.decode()
    assert "Validation loss below training loss means overfitting.</textarea>" in page
    data = {
        "body": "Validation loss below training loss is usually not overfitting.",
        "preview": "1",
    }
    fragment = client.post(url, data, headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="proposal-diff"')
    assert "<ins>is usually not</ins>" in fragment or "<ins>is</ins>" in fragment
    full = client.post(url, data).content.decode()
    assert "<html" in full
    assert "<del>means</del>" in full
    assert not Proposal.objects.exists()


def test_accepting_a_proposal_credits_the_proposer(client, member, moderator, ai_answer):
    client.force_login(member)
    client.post(
        reverse("propose", args=[ai_answer.pk]),
        {"body": TEXT, "reason": "Not overfitting: dropout", "send": "1"},
    )
    proposal = Proposal.objects.get()
    assert proposal.base_revision == ai_answer.revisions.get()
    # The AI answer has no author: a moderator reviews it.
    client.force_login(moderator)
    page = client.get(ai_answer.question.get_absolute_url()).content.decode()
    assert "Review the change" in page
    response = client.post(reverse("proposal_accept", args=[proposal.pk]))
    assert response.status_code == 302
    ai_answer.refresh_from_db()
    assert ai_answer.body == TEXT
    revision = ai_answer.revisions.get(number=2)
    assert revision.author == member
    assert revision.proposal == proposal
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reviewed_by) == (ProposalStatus.ACCEPTED, moderator)
    history = client.get(reverse("answer_history", args=[ai_answer.pk])).content.decode()
    assert "Accepted proposal" in history
    assert member.public_name in history


def test_a_stale_proposal_conflicts_until_the_reviewer_has_seen_the_change(client, moderator):
    owner = UserFactory()
    answer = AnswerFactory(author=owner, body="Original text of this answer.")
    proposer = UserFactory()
    proposal = services.propose_answer(
        user=proposer, answer=answer, body="Proposed text, much better.", reason="Better"
    )
    services.edit_answer(user=owner, answer=answer, body="Owner's own newer text.")
    client.force_login(owner)
    response = client.post(reverse("proposal_accept", args=[proposal.pk]))
    assert response.status_code == 409
    html = response.content.decode()
    assert "The answer changed after this proposal was written" in html
    assert 'name="seen_revision" value="2"' in html
    answer.refresh_from_db()
    assert answer.body == "Owner's own newer text."
    response = client.post(reverse("proposal_accept", args=[proposal.pk]), {"seen_revision": "2"})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.body == "Proposed text, much better."


def test_a_proposal_is_reviewed_once(client, moderator, ai_answer, member):
    proposal = services.propose_answer(user=member, answer=ai_answer, body=TEXT, reason="Fix")
    client.force_login(moderator)
    url = reverse("proposal_reject", args=[proposal.pk])
    assert client.post(url, {"reason": "Not better"}).status_code == 302
    response = client.post(reverse("proposal_accept", args=[proposal.pk]))
    assert response.status_code == 400
    assert "already rejected" in response.content.decode()
    ai_answer.refresh_from_db()
    assert ai_answer.revision_count == 1


def test_flagging_twice_is_a_clear_409(client, member, ai_answer):
    client.force_login(member)
    data = {"target": "answer", "id": ai_answer.pk, "reason": "incorrect", "note": "wrong"}
    form = client.get(reverse("flag"), {"target": "answer", "id": ai_answer.pk})
    assert "Flag this answer for the moderators" in form.content.decode()
    assert client.post(reverse("flag"), data).status_code == 302
    response = client.post(reverse("flag"), data)
    assert response.status_code == 409
    assert "already flagged" in response.content.decode()
    assert Flag.objects.count() == 1
    response = client.post(reverse("flag"), {**data, "reason": "bogus"})
    assert response.status_code == 400


def test_submitted_questions_wait_for_a_moderator(client, member, other_member):
    client.force_login(member)
    response = client.post(
        reverse("ask"),
        {"title": "How do you pick k in k-nearest neighbours?", "body": "Small data."},
    )
    question = member.submitted_questions.get()
    assert question.status == "pending"
    assert response["Location"] == question.get_absolute_url()
    assert "waiting for a moderator" in client.get(question.get_absolute_url()).content.decode()
    assert question.title not in client.get("/").content.decode()
    client.force_login(other_member)
    assert client.get(question.get_absolute_url()).status_code == 404


def test_similar_questions_show_while_typing(client, member):
    AIAnswerFactory(question__title="How do you choose k in k-means clustering?")
    client.force_login(member)
    response = client.get(
        reverse("similar_questions"), {"title": "choose clusters k-means"}, headers=HTMX
    )
    assert "How do you choose k in k-means clustering?" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_ask_validates_title_and_topics(client, member):
    client.force_login(member)
    response = client.post(reverse("ask"), {"title": "short"})
    assert response.status_code == 400
    assert "at least 15 characters" in response.content.decode()
    topics = [TopicFactory() for _ in range(4)]
    response = client.post(
        reverse("ask"),
        {"title": "What is the curse of dimensionality?", "topics": [t.pk for t in topics]},
    )
    assert response.status_code == 400
    assert "Choose at most three topics." in response.content.decode()
    assert not member.submitted_questions.exists()
