"""Every community action for every role: who may do it, and what changes.

Visitors are sent to log in; members act on published content; owners edit
and delete their own; moderators may do everything a member can on anyone's
content.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.reputation import ACCEPTED_PROPOSAL_CREDIT, reputation, with_reputation
from questions import services
from questions.models import (
    Answer,
    AnswerRevision,
    Comment,
    CommentStatus,
    Flag,
    Proposal,
    ProposalStatus,
    Question,
    Status,
    Vote,
)
from tests.questions.conftest import LONG

pytestmark = pytest.mark.django_db


def database() -> dict[str, Any]:
    """Everything a community action can change, as plain values."""
    return {
        "votes": set(Vote.objects.values_list("user__username", "answer_id", "value")),
        "answers": set(
            Answer.objects.values_list(
                "pk", "body", "score", "upvotes", "downvotes", "revision_count", "status"
            )
        ),
        "revisions": set(AnswerRevision.objects.values_list("answer_id", "number", "author_id")),
        "comments": set(Comment.objects.values_list("pk", "body", "status")),
        "proposals": set(Proposal.objects.values_list("pk", "status", "reviewed_by_id")),
        "flags": set(Flag.objects.values_list("reporter_id", "answer_id", "reason")),
        "questions": set(Question.objects.values_list("pk", "status", "answer_count")),
        "reputation": dict(
            with_reputation(User.objects.all()).values_list("username", "reputation")
        ),
    }


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def voted_up(key: str):
    """One upvote by the actor: the score and both counters follow exactly."""

    def check(w, actor) -> bool:
        answer = fresh(w[key])
        votes = list(Vote.objects.filter(answer=answer).values_list("user", "value"))
        return (answer.score, answer.upvotes, answer.downvotes) == (1, 1, 0) and votes == [
            (actor.pk, 1)
        ]

    return check


def revised(key: str, body: str, count: int):
    """The answer now reads ``body``, in a new revision written by the actor."""

    def check(w, actor) -> bool:
        answer = fresh(w[key])
        latest = answer.revisions.order_by("-number").first()
        return (answer.body, answer.revision_count, latest.number, latest.author) == (
            body,
            count,
            count,
            actor,
        )

    return check


def proposed(key: str, body: str):
    def check(w, actor) -> bool:
        return Proposal.objects.filter(
            answer=w[key], author=actor, body=body, status=ProposalStatus.PENDING
        ).exists()

    return check


def accepted(key: str, answer_key: str):
    """The proposal is the answer's text now, credited to the proposer, reviewed by the actor."""

    def check(w, actor) -> bool:
        proposal = fresh(w[key])
        answer = fresh(w[answer_key])
        latest = answer.revisions.order_by("-number").first()
        return (
            (proposal.status, proposal.reviewed_by) == (ProposalStatus.ACCEPTED, actor)
            and (answer.body, answer.revision_count) == (LONG, 2)
            and (latest.author, latest.proposal) == (w["proposer"], proposal)
        )

    return check


def reviewed(key: str, status: str):
    def check(w, actor) -> bool:
        proposal = fresh(w[key])
        reviewer = actor if status == ProposalStatus.REJECTED else None
        return (proposal.status, proposal.reviewed_by) == (status, reviewer)

    return check


@dataclass
class Action:
    url: Callable[[dict], str]
    data: dict
    changed: Callable[[dict, Any], bool]  # (world, actor): did exactly this happen?
    touches: frozenset[str]  # the parts of database() it changes
    setup: Callable[[dict], Any] | None = None


def touches(*keys: str) -> frozenset[str]:
    return frozenset(keys)


ACTIONS = {
    "vote": Action(
        lambda w: reverse("vote", args=[w["answer"].pk]),
        {"value": "up"},
        voted_up("answer"),
        touches("votes", "answers", "reputation"),  # the owner's reputation follows
    ),
    "vote on AI answer": Action(
        lambda w: reverse("vote", args=[w["ai"].pk]),
        {"value": "up"},
        voted_up("ai"),
        touches("votes", "answers"),  # nobody's reputation: it has no author
    ),
    "comment": Action(
        lambda w: reverse("answer_comments", args=[w["answer"].pk]),
        {"body": "Worth adding label smoothing."},
        lambda w, actor: Comment.objects.filter(
            answer=w["answer"], author=actor, body="Worth adding label smoothing."
        ).exists(),
        touches("comments"),
    ),
    "comment on question": Action(
        lambda w: reverse("question_comments", args=[w["question"].pk]),
        {"body": "Asked at a big lab in 2025."},
        lambda w, actor: Comment.objects.filter(question=w["question"], author=actor).exists(),
        touches("comments"),
    ),
    "answer": Action(
        lambda w: reverse("answer_create", args=[w["question"].pk]),
        {"body": LONG},
        lambda w, actor: (
            Answer.objects.filter(question=w["question"], author=actor, body=LONG).exists()
            and fresh(w["question"]).answer_count == 3
        ),
        touches("answers", "revisions", "questions"),
    ),
    "edit answer": Action(
        lambda w: reverse("answer_edit", args=[w["answer"].pk]),
        {"body": LONG, "summary": "clarify"},
        revised("answer", LONG, 2),
        touches("answers", "revisions"),
    ),
    "edit AI answer": Action(
        lambda w: reverse("answer_edit", args=[w["ai"].pk]),
        {"body": LONG, "summary": "clarify"},
        revised("ai", LONG, 2),
        touches("answers", "revisions"),
    ),
    "roll back": Action(
        lambda w: reverse("answer_rollback", args=[w["answer"].pk]),
        {"revision": "1"},
        revised("answer", "Dropout is off at eval time.", 3),
        touches("answers", "revisions"),
        setup=lambda w: services.revise_answer(answer=w["answer"], body=LONG, author=w["owner"]),
    ),
    "roll back AI answer": Action(
        lambda w: reverse("answer_rollback", args=[w["ai"].pk]),
        {"revision": "1"},
        revised("ai", "It is overfitting.", 3),
        touches("answers", "revisions"),
        setup=lambda w: services.revise_answer(answer=w["ai"], body=LONG, author=w["moderator"]),
    ),
    "propose": Action(
        lambda w: reverse("propose", args=[w["answer"].pk]),
        {"body": LONG + " Plus more.", "reason": "Better", "send": "1"},
        proposed("answer", LONG + " Plus more."),
        touches("proposals"),
    ),
    "propose on AI answer": Action(
        lambda w: reverse("propose", args=[w["ai"].pk]),
        {"body": LONG + " Plus more.", "reason": "Better", "send": "1"},
        proposed("ai", LONG + " Plus more."),
        touches("proposals"),
    ),
    "accept proposal": Action(
        lambda w: reverse("proposal_accept", args=[w["proposal"].pk]),
        {},
        accepted("proposal", "answer"),
        touches("proposals", "answers", "revisions", "reputation"),  # the proposer's credit
    ),
    "accept AI proposal": Action(
        lambda w: reverse("proposal_accept", args=[w["ai_proposal"].pk]),
        {},
        accepted("ai_proposal", "ai"),
        touches("proposals", "answers", "revisions", "reputation"),
    ),
    "reject proposal": Action(
        lambda w: reverse("proposal_reject", args=[w["proposal"].pk]),
        {"reason": "Not better"},
        reviewed("proposal", ProposalStatus.REJECTED),
        touches("proposals"),
    ),
    "reject AI proposal": Action(
        lambda w: reverse("proposal_reject", args=[w["ai_proposal"].pk]),
        {"reason": "Not better"},
        reviewed("ai_proposal", ProposalStatus.REJECTED),
        touches("proposals"),
    ),
    "withdraw proposal": Action(
        lambda w: reverse("proposal_withdraw", args=[w["proposal"].pk]),
        {},
        reviewed("proposal", ProposalStatus.WITHDRAWN),
        touches("proposals"),
    ),
    "withdraw AI proposal": Action(
        lambda w: reverse("proposal_withdraw", args=[w["ai_proposal"].pk]),
        {},
        reviewed("ai_proposal", ProposalStatus.WITHDRAWN),
        touches("proposals"),
    ),
    "edit comment": Action(
        lambda w: reverse("comment_edit", args=[w["comment"].pk]),
        {"body": "Edited note."},
        lambda w, actor: fresh(w["comment"]).body == "Edited note.",
        touches("comments"),
    ),
    "delete comment": Action(
        lambda w: reverse("comment_delete", args=[w["comment"].pk]),
        {},
        lambda w, actor: fresh(w["comment"]).status == CommentStatus.DELETED,
        touches("comments"),
    ),
    "flag": Action(
        lambda w: reverse("flag"),
        {"target": "answer", "id": None, "reason": "incorrect", "note": "wrong"},
        lambda w, actor: Flag.objects.filter(
            answer=w["answer"], reporter=actor, reason="incorrect"
        ).exists(),
        touches("flags"),
    ),
    "ask": Action(
        lambda w: reverse("ask"),
        {"title": "How do you choose the number of clusters in k-means?", "body": ""},
        lambda w, actor: Question.objects.filter(
            status=Status.PENDING, submitted_by=actor
        ).exists(),
        touches("questions"),
    ),
}

# "ok" = done (redirect back), "login" = sent to log in, 403 = refused,
# 400 = refused as bad input (the proposer already has a proposal waiting there).
# The AI answer has no author: only moderators edit it, roll it back and
# review proposals against it; the owner of another answer is a member there.
OUTCOMES = {
    #                       visitor  member  owner  proposer moderator
    "vote":                 ("login", "ok",   403,   "ok",    "ok"),
    "vote on AI answer":    ("login", "ok",   "ok",  "ok",    "ok"),
    "comment":              ("login", "ok",   "ok",  "ok",    "ok"),
    "comment on question":  ("login", "ok",   "ok",  "ok",    "ok"),
    "answer":               ("login", "ok",   "ok",  "ok",    "ok"),
    "edit answer":          ("login", 403,    "ok",  403,     "ok"),
    "edit AI answer":       ("login", 403,    403,   403,     "ok"),
    "roll back":            ("login", 403,    "ok",  403,     "ok"),
    "roll back AI answer":  ("login", 403,    403,   403,     "ok"),
    "propose":              ("login", "ok",   403,   400,     "ok"),
    "propose on AI answer": ("login", "ok",   "ok",  400,     "ok"),
    "accept proposal":      ("login", 403,    "ok",  403,     "ok"),
    "accept AI proposal":   ("login", 403,    403,   403,     "ok"),
    "reject proposal":      ("login", 403,    "ok",  403,     "ok"),
    "reject AI proposal":   ("login", 403,    403,   403,     "ok"),
    "withdraw proposal":    ("login", 403,    403,   "ok",    403),
    "withdraw AI proposal": ("login", 403,    403,   "ok",    403),
    "edit comment":         ("login", 403,    "ok",  403,     "ok"),
    "delete comment":       ("login", 403,    "ok",  403,     "ok"),
    "flag":                 ("login", "ok",   "ok",  "ok",    "ok"),
    "ask":                  ("login", "ok",   "ok",  "ok",    "ok"),
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
    if spec.setup:
        spec.setup(world)
    data = dict(spec.data)
    if "id" in data:
        data["id"] = world["answer"].pk
    actor = None if role == "visitor" else world[role]
    if actor:
        client.force_login(actor)
    page = world["question"].get_absolute_url()
    before = database()
    response = client.post(spec.url(world), data, HTTP_REFERER=f"http://testserver{page}")
    after = database()
    changed = {part for part in before if before[part] != after[part]}

    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
        assert page in response["Location"].replace("%2F", "/")
        assert not changed
    elif expected == "ok":
        assert response.status_code == 302, response.content.decode()[:500]
        assert spec.changed(world, actor)
        assert changed == spec.touches
    else:
        assert response.status_code == expected
        assert not changed, changed
        assert "Nothing was changed" in response.content.decode() or expected == 400


def test_reputation_follows_votes_and_accepted_proposals(client, world):
    """What the table's "reputation" column means in numbers."""
    client.force_login(world["member"])
    client.post(reverse("vote", args=[world["answer"].pk]), {"value": "up"})
    client.post(reverse("vote", args=[world["ai"].pk]), {"value": "down"})
    client.force_login(world["moderator"])
    client.post(reverse("vote", args=[world["answer"].pk]), {"value": "up"})
    client.post(reverse("proposal_accept", args=[world["ai_proposal"].pk]))
    ai = fresh(world["ai"])
    assert (ai.score, ai.upvotes, ai.downvotes) == (-1, 0, 1)
    answer = fresh(world["answer"])
    assert (answer.score, answer.upvotes, answer.downvotes) == (2, 2, 0)
    assert reputation(world["owner"]) == 2
    assert reputation(world["proposer"]) == ACCEPTED_PROPOSAL_CREDIT
    assert reputation(world["member"]) == 0


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
