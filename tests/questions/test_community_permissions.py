"""Every community action for every role: who may do it, and what changes.

Visitors are sent to log in; members act on published content; owners edit
and delete their own; moderators may do everything a member can on anyone's
content.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from questions import services
from questions.models import (
    Answer,
    Comment,
    CommentStatus,
    Flag,
    Proposal,
    ProposalStatus,
    Question,
    Status,
    Vote,
)
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LONG = "A corrected answer with enough words to pass the minimum length check."


@pytest.fixture
def world():
    owner = UserFactory(username="owner")
    proposer = UserFactory(username="proposer")
    question = QuestionFactory(title="Why is validation loss lower than training loss?")
    ai = AIAnswerFactory(question=question, body="It is overfitting.")
    answer = AnswerFactory(question=question, author=owner, body="Dropout is off at eval time.")
    comment = CommentFactory(answer=answer, author=owner, body="A note from the owner.")
    proposal = Proposal.objects.create(
        answer=answer,
        author=proposer,
        body=LONG,
        reason="More precise",
        base_revision=answer.revisions.get(),
    )
    return {
        "owner": owner,
        "proposer": proposer,
        "question": question,
        "ai": ai,
        "answer": answer,
        "comment": comment,
        "proposal": proposal,
        "member": UserFactory(username="member"),
        "moderator": ModeratorFactory(username="mod"),
    }


@dataclass
class Action:
    url: Any
    data: dict
    changed: Any  # world -> bool: did the action happen?


ACTIONS = {
    "vote": Action(
        lambda w: reverse("vote", args=[w["answer"].pk]),
        {"value": "up"},
        lambda w: Vote.objects.filter(answer=w["answer"]).exists(),
    ),
    "comment": Action(
        lambda w: reverse("answer_comments", args=[w["answer"].pk]),
        {"body": "Worth adding label smoothing."},
        lambda w: Comment.objects.filter(body="Worth adding label smoothing.").exists(),
    ),
    "comment on question": Action(
        lambda w: reverse("question_comments", args=[w["question"].pk]),
        {"body": "Asked at a big lab in 2025."},
        lambda w: Comment.objects.filter(question=w["question"]).exists(),
    ),
    "answer": Action(
        lambda w: reverse("answer_create", args=[w["question"].pk]),
        {"body": LONG},
        lambda w: Answer.objects.filter(body=LONG).exists(),
    ),
    "edit answer": Action(
        lambda w: reverse("answer_edit", args=[w["answer"].pk]),
        {"body": LONG, "summary": "clarify"},
        lambda w: w["answer"].revisions.count() == 2,
    ),
    "roll back": Action(
        lambda w: reverse("answer_rollback", args=[w["answer"].pk]),
        {"revision": "1"},
        lambda w: w["answer"].revisions.count() == 3,
    ),
    "propose": Action(
        lambda w: reverse("propose", args=[w["answer"].pk]),
        {"body": LONG + " Plus more.", "reason": "Better", "send": "1"},
        lambda w: Proposal.objects.filter(body=LONG + " Plus more.").exists(),
    ),
    "accept proposal": Action(
        lambda w: reverse("proposal_accept", args=[w["proposal"].pk]),
        {},
        lambda w: Proposal.objects.get(pk=w["proposal"].pk).status == ProposalStatus.ACCEPTED,
    ),
    "reject proposal": Action(
        lambda w: reverse("proposal_reject", args=[w["proposal"].pk]),
        {},
        lambda w: Proposal.objects.get(pk=w["proposal"].pk).status == ProposalStatus.REJECTED,
    ),
    "withdraw proposal": Action(
        lambda w: reverse("proposal_withdraw", args=[w["proposal"].pk]),
        {},
        lambda w: Proposal.objects.get(pk=w["proposal"].pk).status == ProposalStatus.WITHDRAWN,
    ),
    "edit comment": Action(
        lambda w: reverse("comment_edit", args=[w["comment"].pk]),
        {"body": "Edited note."},
        lambda w: Comment.objects.get(pk=w["comment"].pk).body == "Edited note.",
    ),
    "delete comment": Action(
        lambda w: reverse("comment_delete", args=[w["comment"].pk]),
        {},
        lambda w: Comment.objects.get(pk=w["comment"].pk).status == CommentStatus.DELETED,
    ),
    "flag": Action(
        lambda w: reverse("flag"),
        {"target": "answer", "id": None, "reason": "incorrect", "note": "wrong"},
        lambda w: Flag.objects.filter(answer=w["answer"]).exists(),
    ),
    "ask": Action(
        lambda w: reverse("ask"),
        {"title": "How do you choose the number of clusters in k-means?", "body": ""},
        lambda w: Question.objects.filter(status=Status.PENDING).exists(),
    ),
}

# "ok" = done (redirect back), "login" = sent to log in, 403 = refused.
OUTCOMES = {
    #                    visitor   member  owner  proposer moderator
    "vote":              ("login", "ok",   403,   "ok",    "ok"),
    "comment":           ("login", "ok",   "ok",  "ok",    "ok"),
    "comment on question": ("login", "ok", "ok",  "ok",    "ok"),
    "answer":            ("login", "ok",   "ok",  "ok",    "ok"),
    "edit answer":       ("login", 403,    "ok",  403,     "ok"),
    "roll back":         ("login", 403,    "ok",  403,     "ok"),
    "propose":           ("login", "ok",   403,   400,     "ok"),
    "accept proposal":   ("login", 403,    "ok",  403,     "ok"),
    "reject proposal":   ("login", 403,    "ok",  403,     "ok"),
    "withdraw proposal": ("login", 403,    403,   "ok",    403),
    "edit comment":      ("login", 403,    "ok",  403,     "ok"),
    "delete comment":    ("login", 403,    "ok",  403,     "ok"),
    "flag":              ("login", "ok",   "ok",  "ok",    "ok"),
    "ask":               ("login", "ok",   "ok",  "ok",    "ok"),
}  # fmt: skip
ROLES = ("visitor", "member", "owner", "proposer", "moderator")
CASES = [
    (action, role, expected)
    for action, outcomes in OUTCOMES.items()
    for role, expected in zip(ROLES, outcomes, strict=True)
]


@pytest.mark.parametrize(("action", "role", "expected"), CASES)
def test_every_action_for_every_role(client, world, action, role, expected):
    spec = ACTIONS[action]
    if action == "roll back":  # something to roll back to
        services.revise_answer(answer=world["answer"], body=LONG, author=world["owner"])
    data = dict(spec.data)
    if "id" in data:
        data["id"] = world["answer"].pk
    if role != "visitor":
        client.force_login(world[role])
    page = world["question"].get_absolute_url()
    response = client.post(spec.url(world), data, HTTP_REFERER=f"http://testserver{page}")

    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
        assert page in response["Location"].replace("%2F", "/")
        assert not spec.changed(world)
    elif expected == "ok":
        assert response.status_code == 302, response.content.decode()[:500]
        assert spec.changed(world)
    else:
        assert response.status_code == expected
        assert not spec.changed(world)
        assert "Nothing was changed" in response.content.decode() or expected == 400


def test_a_visitor_comes_back_to_the_page_after_logging_in(client, world):
    page = world["question"].get_absolute_url()
    response = client.post(
        reverse("vote", args=[world["answer"].pk]),
        {"value": "up"},
        HTTP_REFERER=f"http://testserver{page}",
    )
    response = client.post(
        response["Location"],
        {"login": "member", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == page


def test_htmx_visitors_get_a_client_side_redirect_to_log_in(client, world):
    page = world["question"].get_absolute_url()
    response = client.post(
        reverse("vote", args=[world["answer"].pk]),
        {"value": "up"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    )
    assert response["HX-Redirect"].startswith(reverse("account_login"))
    assert not Vote.objects.exists()


def test_every_post_endpoint_refuses_get(client, world, member):
    client.force_login(member)
    for name, args in [
        ("vote", [world["answer"].pk]),
        ("answer_create", [world["question"].pk]),
        ("question_comments", [world["question"].pk]),
        ("answer_rollback", [world["answer"].pk]),
        ("proposal_accept", [world["proposal"].pk]),
        ("proposal_reject", [world["proposal"].pk]),
        ("proposal_withdraw", [world["proposal"].pk]),
        ("comment_delete", [world["comment"].pk]),
        ("preview", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 405, name


def test_actions_on_hidden_content_are_404(client, world, member):
    client.force_login(member)
    Answer.objects.filter(pk=world["answer"].pk).update(status=Status.HIDDEN)
    for name, data in [("vote", {"value": "up"}), ("answer_comments", {"body": "hello there"})]:
        response = client.post(reverse(name, args=[world["answer"].pk]), data)
        assert response.status_code == 404, name
    assert not Vote.objects.exists()


# Who can read a proposal page: 200 = shown, 404 = as if it did not exist.
PROPOSAL_VIEWERS = {
    #             visitor  member  owner  proposer moderator
    "accepted":  (200,     200,    200,   200,     200),
    "pending":   (404,     404,    200,   200,     200),
    "rejected":  (404,     404,    200,   200,     200),
    "withdrawn": (404,     404,    200,   200,     200),
}  # fmt: skip
PROPOSAL_CASES = [
    (status, role, expected)
    for status, outcomes in PROPOSAL_VIEWERS.items()
    for role, expected in zip(ROLES, outcomes, strict=True)
]


def read_proposal(client, world, role):
    if role != "visitor":
        client.force_login(world[role])
    return client.get(reverse("proposal_detail", args=[world["proposal"].pk]))


@pytest.mark.parametrize(("status", "role", "expected"), PROPOSAL_CASES)
def test_who_can_read_a_proposal(client, world, status, role, expected):
    """Accepted proposals are part of the answer's history; the others stay private."""
    Proposal.objects.filter(pk=world["proposal"].pk).update(status=status)
    response = read_proposal(client, world, role)
    assert response.status_code == expected
    assert ("More precise" in response.content.decode()) == (expected == 200)


@pytest.mark.parametrize("hidden", ["answer", "question"])
@pytest.mark.parametrize("status", ["accepted", "pending"])
@pytest.mark.parametrize("role", ROLES)
def test_proposals_on_hidden_content_are_404_except_for_moderators(
    client, world, hidden, status, role
):
    Proposal.objects.filter(pk=world["proposal"].pk).update(status=status)
    services.hide(moderator=world["moderator"], target=world[hidden], reason="Spam.")
    response = read_proposal(client, world, role)
    assert response.status_code == (200 if role == "moderator" else 404)
