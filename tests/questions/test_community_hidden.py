"""Members act only on published content; moderators may still tidy hidden content.

Once a moderator hides an answer or a question, the comments on it and the
content itself are out of members' reach: no editing or deleting their
comments there, no flags. The services refuse (PermissionDenied) and the views
answer 404, as they do for any hidden content, with htmx and without.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from questions import services
from questions.models import Answer, Comment, CommentStatus, Flag, Question, Status
from tests.factories import AnswerFactory, CommentFactory, QuestionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def thread(member, moderator):
    """A question with one answer; `member` commented on both."""
    question = QuestionFactory(title="Why is validation loss lower than training loss?")
    answer = AnswerFactory(question=question, body="Dropout is off at evaluation time.")
    return {
        "question": question,
        "answer": answer,
        "on_answer": CommentFactory(answer=answer, author=member, body="Mine, on the answer."),
        "on_question": CommentFactory(
            question=question, answer=None, author=member, body="Mine, on the question."
        ),
    }


def hide(moderator, target):
    services.hide(moderator=moderator, target=target, reason="Off topic.")


def fresh(obj):
    """The object as the database has it now (views and services get fresh rows)."""
    return type(obj).objects.get(pk=obj.pk)


# Which hidden thing puts which comment out of reach.
HIDDEN_PARENTS = [
    ("answer", "on_answer"),
    ("question", "on_answer"),
    ("question", "on_question"),
]


# --- Services ------------------------------------------------------------------------


@pytest.mark.parametrize(("hidden", "comment"), HIDDEN_PARENTS)
def test_members_cannot_edit_or_delete_their_comment_under_hidden_content(
    thread, member, moderator, hidden, comment
):
    hide(moderator, thread[hidden])
    with pytest.raises(PermissionDenied, match="hidden"):
        services.edit_comment(user=member, comment=fresh(thread[comment]), body="Sneaky edit.")
    with pytest.raises(PermissionDenied, match="hidden"):
        services.delete_comment(user=member, comment=fresh(thread[comment]))
    stored = fresh(thread[comment])
    assert stored.body == thread[comment].body
    assert stored.status == CommentStatus.PUBLISHED


@pytest.mark.parametrize(("hidden", "comment"), HIDDEN_PARENTS)
def test_moderators_still_edit_and_delete_comments_under_hidden_content(
    thread, moderator, hidden, comment
):
    hide(moderator, thread[hidden])
    services.edit_comment(user=moderator, comment=fresh(thread[comment]), body="Tidied.")
    assert fresh(thread[comment]).body == "Tidied."
    services.delete_comment(user=moderator, comment=fresh(thread[comment]))
    assert fresh(thread[comment]).status == CommentStatus.DELETED


def test_a_member_cannot_delete_their_comment_a_moderator_hid(thread, member, moderator):
    """Deleting it would overwrite the moderator's decision ("hidden") with "deleted"."""
    hide(moderator, thread["on_answer"])
    with pytest.raises(PermissionDenied):
        services.delete_comment(user=member, comment=fresh(thread["on_answer"]))
    assert fresh(thread["on_answer"]).status == CommentStatus.HIDDEN


def test_flagging_hidden_or_pending_content_is_refused(thread, member, other_member, moderator):
    pending = QuestionFactory(status=Status.PENDING, submitted_by=other_member)
    hidden_comment = CommentFactory(answer=thread["answer"], body="Spam, already hidden.")
    hide(moderator, hidden_comment)
    hide(moderator, thread["answer"])
    targets = [
        fresh(thread["answer"]),
        fresh(thread["on_answer"]),  # published itself, but on a hidden answer
        fresh(hidden_comment),
        pending,
    ]
    for target in targets:
        for user in (member, moderator):  # moderators hide and restore instead
            with pytest.raises(PermissionDenied, match="only flag published content"):
                services.flag_content(user=user, target=target, reason="spam")
    hide(moderator, thread["question"])
    with pytest.raises(PermissionDenied, match="only flag published content"):
        services.flag_content(user=member, target=fresh(thread["question"]), reason="spam")
    with pytest.raises(PermissionDenied, match="only flag published content"):
        services.flag_content(user=member, target=fresh(thread["on_question"]), reason="spam")
    assert not Flag.objects.exists()


def test_published_content_can_still_be_flagged(thread, member):
    for target in (thread["question"], thread["answer"], thread["on_question"]):
        services.flag_content(user=member, target=target, reason="incorrect")
    assert Flag.objects.filter(reporter=member).count() == 3


# --- Views ---------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(("hidden", "comment"), HIDDEN_PARENTS)
def test_comment_edit_and_delete_under_hidden_content_are_404_for_members(
    client, thread, member, moderator, hidden, comment, headers
):
    hide(moderator, thread[hidden])
    client.force_login(member)
    pk = thread[comment].pk
    responses = [
        client.get(reverse("comment_edit", args=[pk]), headers=headers),
        client.post(reverse("comment_edit", args=[pk]), {"body": "Sneaky."}, headers=headers),
        client.post(reverse("comment_delete", args=[pk]), headers=headers),
    ]
    for response in responses:
        assert response.status_code == 404
        assert ("<html" in response.content.decode()) == (not headers)
    stored = fresh(thread[comment])
    assert (stored.body, stored.status) == (thread[comment].body, CommentStatus.PUBLISHED)


@pytest.mark.parametrize(("hidden", "comment"), HIDDEN_PARENTS)
def test_moderators_edit_and_delete_comments_under_hidden_content_from_the_site(
    client, thread, moderator, hidden, comment
):
    hide(moderator, thread[hidden])
    client.force_login(moderator)
    pk = thread[comment].pk
    assert client.get(reverse("comment_edit", args=[pk])).status_code == 200
    response = client.post(reverse("comment_edit", args=[pk]), {"body": "Tidied by a mod."})
    assert response.status_code == 302
    assert fresh(thread[comment]).body == "Tidied by a mod."
    assert client.post(reverse("comment_delete", args=[pk])).status_code == 302
    assert fresh(thread[comment]).status == CommentStatus.DELETED


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("role", ["member", "moderator"])
def test_flagging_a_comment_under_hidden_content_is_404(
    client, thread, member, other_member, moderator, role, headers
):
    hide(moderator, thread["answer"])
    client.force_login(other_member if role == "member" else moderator)
    data = {"target": "comment", "id": thread["on_answer"].pk, "reason": "spam", "note": ""}
    assert client.get(reverse("flag"), data, headers=headers).status_code == 404
    response = client.post(reverse("flag"), data, headers=headers)
    assert response.status_code == 404
    assert ("<html" in response.content.decode()) == (not headers)
    assert not Flag.objects.exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_flagging_hidden_answers_and_questions_is_404(
    client, thread, other_member, moderator, headers
):
    hide(moderator, thread["answer"])
    client.force_login(other_member)
    answer = {"target": "answer", "id": thread["answer"].pk, "reason": "spam"}
    assert client.post(reverse("flag"), answer, headers=headers).status_code == 404
    hide(moderator, thread["question"])
    question = {"target": "question", "id": thread["question"].pk, "reason": "spam"}
    assert client.post(reverse("flag"), question, headers=headers).status_code == 404
    assert not Flag.objects.exists()
    assert Answer.objects.get().status == Question.objects.get().status == Status.HIDDEN
    assert Comment.objects.filter(status=CommentStatus.PUBLISHED).count() == 2
