"""The public profile page: who a member is and what they gave the community,
one tab each for answers, questions, comments and accepted improvements."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions import services
from questions.models import CommentStatus, Proposal, ProposalStatus, Status
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    member = UserFactory(username="ada", display_name="Ada L.", bio="Trains small models.")
    answer = AnswerFactory(author=member, question=QuestionFactory(title="What is weight decay?"))
    for voter in ("v1", "v2", "v3"):
        services.cast_vote(user=UserFactory(username=voter), answer=answer, choice="up")
    AnswerFactory(author=member, status=Status.HIDDEN, body="hidden")
    ai = AIAnswerFactory(question=QuestionFactory(title="Explain dropout"))
    Proposal.objects.create(
        answer=ai, author=member, body="x", reason="Fix the inference claim",
        status=ProposalStatus.ACCEPTED,
    )  # fmt: skip
    Proposal.objects.create(
        answer=AIAnswerFactory(), author=member, body="y", reason="Still waiting",
    )  # fmt: skip
    return member


def tab_links(html: str) -> dict[str, str]:
    """The profile's tabs as rendered: label -> address."""
    nav = re.search(r'<nav class="tabs".*?</nav>', html, re.S).group(0)
    return {
        re.sub(r"\s+", " ", re.sub(r"<.*?>", " ", label)).strip(): unescape(href)
        for href, label in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav, re.S)
    }


def follow_tab(client, html: str, label: str) -> str:
    (href,) = [href for text, href in tab_links(html).items() if text.startswith(label)]
    response = client.get("/users/ada/" + href)
    assert response.status_code == 200
    return response.content.decode()


def test_profile_shows_name_bio_reputation_answers_and_accepted_proposals(client, author):
    html = client.get("/users/ada/").content.decode()
    assert "Ada L." in html
    assert "Trains small models." in html
    assert "<dt>Reputation</dt><dd>5</dd>" in html  # 3 votes + 2 for the accepted proposal
    assert "<dt>Answers</dt><dd>1</dd>" in html
    assert tab_links(html) == {
        "Answers 1": "?tab=answers",
        "Questions 0": "?tab=questions",
        "Comments 0": "?tab=comments",
        "Improvements 1": "?tab=improvements",
    }
    assert 'aria-current="page">Answers' in html  # the first tab opens
    assert "What is weight decay?" in html

    improvements = follow_tab(client, html, "Improvements")
    assert "Explain dropout" in improvements
    assert "Fix the inference claim" in improvements
    assert "Still waiting" not in improvements  # pending proposals are the member's business
    assert "What is weight decay?" not in improvements


def test_members_see_their_own_pending_proposals(client, author):
    client.force_login(author)
    html = client.get("/users/ada/").content.decode()
    assert "Your proposals 2" in tab_links(html)
    mine = follow_tab(client, html, "Your proposals")
    assert "Still waiting" in mine
    assert "Pending" in mine


def test_each_tab_lists_only_what_visitors_can_see(client, author):
    hidden_question = QuestionFactory(title="Hidden question", status=Status.HIDDEN)
    QuestionFactory(title="Asked and visible", submitted_by=author)
    QuestionFactory(title="Asked and pending", submitted_by=author, status=Status.PENDING)
    QuestionFactory(title="Asked and hidden", submitted_by=author, status=Status.HIDDEN)
    AnswerFactory(author=author, question=hidden_question, body="On a hidden question.")
    visible = AnswerFactory(body="Someone else's answer")
    CommentFactory(author=author, answer=visible, body="A visible remark")
    CommentFactory(author=author, answer=visible, body="A hidden remark", status="hidden")
    CommentFactory(
        author=author, answer=visible, body="A deleted remark", status=CommentStatus.DELETED
    )
    CommentFactory(author=author, answer=None, question=hidden_question, body="Remark on hidden")
    CommentFactory(author=author, answer=AnswerFactory(status=Status.HIDDEN), body="Under hidden")
    CommentFactory(
        author=author, answer=None, question=visible.question, body="On the question itself"
    )

    html = client.get("/users/ada/").content.decode()
    assert tab_links(html) == {
        "Answers 1": "?tab=answers",
        "Questions 1": "?tab=questions",
        "Comments 2": "?tab=comments",
        "Improvements 1": "?tab=improvements",
    }
    assert "On a hidden question" not in html
    assert "Hidden question" not in html

    questions = follow_tab(client, html, "Questions")
    assert "Asked and visible" in questions
    assert "pending" not in questions
    assert "Asked and hidden" not in questions

    comments = follow_tab(client, html, "Comments")
    assert "A visible remark" in comments
    assert "On the question itself" in comments
    for gone in ("A hidden remark", "A deleted remark", "Remark on hidden", "Under hidden"):
        assert gone not in comments
    # Each comment links to where it is on its page.
    comment = author.comments.get(body="A visible remark")
    assert f'href="{comment.get_absolute_url()}"' in comments


def test_next_keeps_the_tab_and_reaches_the_rest(client, author):
    for n in range(25):
        QuestionFactory(title=f"Numbered question {n:02d}", submitted_by=author)
    first = follow_tab(client, client.get("/users/ada/").content.decode(), "Questions")
    assert "Numbered question 24" in first  # newest first
    assert "Numbered question 04" not in first
    assert "Page 1 of 2" in first
    href = unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))
    second = client.get("/users/ada/" + href).content.decode()
    assert "Page 2 of 2" in second
    for n in range(5):
        assert f"Numbered question {n:02d}" in second
    assert "Numbered question 05" not in second


def test_unknown_tab_or_page_shows_the_first(client, author):
    html = client.get("/users/ada/", {"tab": "nonsense", "page": "x"}).content.decode()
    assert 'aria-current="page">Answers' in html
    assert "What is weight decay?" in html


def test_empty_tabs_say_so(client, author):
    html = client.get("/users/ada/", {"tab": "comments"}).content.decode()
    assert "Ada L. has not commented yet." in html


@pytest.mark.parametrize("tab", ["answers", "questions", "comments", "improvements"])
def test_profile_query_count_is_pinned_and_does_not_grow(client, author, tab):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/users/ada/", {"tab": tab}).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            question = QuestionFactory(submitted_by=author)
            answer = AnswerFactory(author=author, question=question)
            CommentFactory(author=author, answer=answer if i % 2 else None,
                           question=None if i % 2 else question)  # fmt: skip
            Proposal.objects.create(
                answer=AIAnswerFactory(), author=author, body="z", reason=f"Fix {i}",
                status=ProposalStatus.ACCEPTED,
            )  # fmt: skip

    add(1)
    before = count()
    add(30)
    assert count() == before == 2  # the member with reputation and counts; the tab's page


def test_unknown_and_deactivated_members_have_no_profile(client):
    UserFactory(username="gone", is_active=False)
    assert client.get("/users/gone/").status_code == 404
    assert client.get("/users/nobody/").status_code == 404
