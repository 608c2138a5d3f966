"""Who can read a proposal: by its status and the reader's role, on published and
hidden content (the rule is ``questions.permissions.can_view_proposal``)."""

import pytest
from django.urls import reverse

from questions import services
from questions.models import (
    Proposal,
)
from tests.questions.test_community_permissions import ROLES

pytestmark = pytest.mark.django_db

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
