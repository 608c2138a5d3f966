"""A member never sees another member's vote, bookmark, draft proposal or edit
link, whoever read the page before them: members' pages are assembled from
answer fragments shared between readers whose views are equal."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions import services
from study import services as study_services
from tests.factories import AIAnswerFactory, AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBERS = 3
VISITOR = MEMBERS  # a reader index: not signed in

member_state = st.fixed_dictionaries(
    {
        "vote": st.sampled_from(["", "up", "down"]),
        "bookmark": st.booleans(),
        "propose": st.booleans(),
    }
)


def answer_article(html: str, answer_id: int) -> str:
    start = html.index(f'id="answer-{answer_id}"')
    return html[start : html.index("</article>", start)]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 300


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    states=st.lists(member_state, min_size=MEMBERS, max_size=MEMBERS),
    order=st.lists(st.integers(min_value=0, max_value=VISITOR), min_size=2, max_size=7),
)
def test_no_reader_sees_another_readers_state(django_capture_on_commit_callbacks, states, order):
    for name in ("default", "fragments", "pages"):
        caches[name].clear()
    members = [UserFactory() for _ in range(MEMBERS)]
    question = QuestionFactory()
    ai = AIAnswerFactory(question=question)
    # The first member wrote an answer of their own (their edit link).
    theirs = AnswerFactory(question=question, author=members[0])
    with django_capture_on_commit_callbacks(execute=True):
        for member, state in zip(members, states, strict=True):
            if state["vote"]:
                services.cast_vote(user=member, answer=ai, choice=state["vote"])
            if state["bookmark"]:
                study_services.toggle_bookmark(user=member, question=question)
            if state["propose"]:
                services.propose_answer(
                    user=member, answer=ai, body=f"A better answer by {member.pk}.", reason="Why."
                )
    clients = []
    for member in members:
        client = Client()
        client.force_login(member)
        clients.append(client)
    clients.append(Client())

    for reader in order:
        html = clients[reader].get(question.get_absolute_url()).content.decode()
        state = states[reader] if reader != VISITOR else {"vote": "", "bookmark": False}
        article = answer_article(html, ai.pk)
        assert ('class="vote vote-up active"' in article) == (state["vote"] == "up")
        assert ('class="vote vote-down active"' in article) == (state["vote"] == "down")
        assert ("is-bookmarked" in html) == state["bookmark"]
        # Proposals on an AI answer: each member sees their own draft only.
        mine = reader != VISITOR and state["propose"]
        assert article.count("proposal-pending") == int(mine)
        assert ("View or withdraw" in article) == mine
        assert "Review the change" not in html
        if mine:
            assert f"A better answer by {members[reader].pk}" not in html  # the reason only
        assert (f"/answers/{theirs.pk}/edit/" in html) == (reader == 0)
        assert f"/answers/{ai.pk}/edit/" not in html
        assert ("your answer" in answer_article(html, theirs.pk)) == (reader == 0)
        assert bool(re.search(r"Log in to vote", html)) == (reader == VISITOR)
