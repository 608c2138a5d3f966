"""The admin's proposal page shows the diff as the site's proposal page does:
insertions and deletions marked, wrapped and coloured."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from questions import services
from tests.factories import AIAnswerFactory

pytestmark = pytest.mark.django_db
OLD = "Dropout is off at evaluation time, so the validation loss looks better."
NEW = "Dropout is off at inference time, so the validation loss looks lower than training loss."


def diff_block(html: str) -> str:
    return re.search(r'<pre class="diff">(.*?)</pre>', html, re.S).group(1)


def test_pending_proposal_shows_words_removed_and_added(mod_client, member, client):
    answer = AIAnswerFactory(body=OLD)
    proposal = services.propose_answer(user=member, answer=answer, body=NEW, reason="precise")
    html = mod_client.get(reverse("admin:questions_proposal_change", args=[proposal.pk]))
    html = html.content.decode()
    block = diff_block(html)
    assert "<del>evaluation</del>" in block
    assert "<ins>inference</ins>" in block
    assert "<del>better.</del>" in block
    # The same markup as the site's own proposal page.
    client.force_login(member)
    site = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert diff_block(site) == block
    # Coloured and wrapped by the admin's stylesheet for it.
    assert "css/admin-diff.css" in html
    css = Path(finders.find("css/admin-diff.css")).read_text()
    assert "white-space: pre-wrap" in css
    assert re.search(r"\.diff ins \{[^}]*background", css)
    assert re.search(r"\.diff del \{[^}]*background", css)


def test_accepted_proposal_shows_the_change_it_made_not_an_empty_diff(
    mod_client, member, moderator
):
    answer = AIAnswerFactory(body=OLD)
    proposal = services.propose_answer(user=member, answer=answer, body=NEW, reason="precise")
    services.accept_proposal(user=moderator, proposal=proposal)
    html = mod_client.get(reverse("admin:questions_proposal_change", args=[proposal.pk]))
    block = diff_block(html.content.decode())
    assert "<del>evaluation</del>" in block
    assert "<ins>inference</ins>" in block
    assert block == proposal.revisions.get().diff_html
