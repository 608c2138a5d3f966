"""Query counts of the source, topic, history and proposal pages: pinned, and
the same on small and large data (the list and question pages are pinned in
test_views.py)."""

import pytest
from django.urls import reverse

from questions import services
from study import services as study_services
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# A list page counts the interview reports of its rows; a member adds the
# session, the user (and on a list their bookmarks among its rows); a
# moderator's proposal page also reads the group that makes them one.
# A member's pages count their unread notifications for the header (one query;
# a list's with its bookmarks); the topic page also asks whether they follow it.
SOURCE_PAGE = {"visitor": 6, "member": 9}
TOPIC_PAGE = {"visitor": 6, "member": 10}
HISTORY_PAGE = {"visitor": 2, "member": 5}
PROPOSAL_PAGE = {"author": 5, "moderator": 6}


def build(source, topic, member, moderator, *, questions: int, edits: int, proposals: int):
    """Questions of one source and topic, each with an AI answer edited
    ``edits`` times (revisions with diffs), ``proposals`` proposals on it,
    votes, comments and bookmarks; the member wrote the first proposal on each.
    Returns the last AI answer."""
    answer = None
    for _ in range(questions):
        question = QuestionFactory(source=source, topics=[topic])
        answer = AIAnswerFactory(question=question)
        community = AnswerFactory(question=question)
        for n in range(edits):
            services.edit_answer(
                user=moderator, answer=answer, body=f"{answer.body}\n\nEdit number {n}."
            )
        for n in range(proposals):
            services.propose_answer(
                user=member if n == 0 else UserFactory(),
                answer=answer,
                body=f"{answer.body}\n\nA better last line, take {n}.",
                reason="Clearer.",
            )
        services.cast_vote(user=member, answer=community, choice="up")
        services.cast_vote(user=UserFactory(), answer=answer, choice="down")
        CommentFactory(answer=answer)
        CommentFactory(answer=None, question=question)
        study_services.toggle_bookmark(user=member, question=question)
    return answer


def assert_queries(client, url, expected, django_assert_num_queries):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200, url
    return response.text


@pytest.mark.parametrize("reader", ["visitor", "member"])
def test_source_topic_and_history_pages_do_not_grow_with_data(
    client, member, moderator, reader, django_assert_num_queries
):
    source, topic = SourceFactory(), TopicFactory()
    if reader == "member":
        client.force_login(member)
    for size in [
        {"questions": 2, "edits": 1, "proposals": 1},
        {"questions": 25, "edits": 6, "proposals": 3},
    ]:
        answer = build(source, topic, member, moderator, **size)
        html = assert_queries(
            client, source.get_absolute_url(), SOURCE_PAGE[reader], django_assert_num_queries
        )
        assert answer.question.title in html
        html = assert_queries(
            client, topic.get_absolute_url(), TOPIC_PAGE[reader], django_assert_num_queries
        )
        assert answer.question.title in html
        html = assert_queries(
            client,
            reverse("answer_history", args=[answer.pk]),
            HISTORY_PAGE[reader],
            django_assert_num_queries,
        )
        assert f"Edit number {size['edits'] - 1}." in html


@pytest.mark.parametrize("reader", ["author", "moderator"])
def test_proposal_page_does_not_grow_with_data(
    client, member, moderator, reader, django_assert_num_queries
):
    source, topic = SourceFactory(), TopicFactory()
    client.force_login(member if reader == "author" else moderator)
    for size in [
        {"questions": 1, "edits": 1, "proposals": 1},
        {"questions": 3, "edits": 8, "proposals": 6},
    ]:
        answer = build(source, topic, member, moderator, **size)
        mine = answer.proposals.get(author=member)
        html = assert_queries(
            client,
            reverse("proposal_detail", args=[mine.pk]),
            PROPOSAL_PAGE[reader],
            django_assert_num_queries,
        )
        assert "A better last line, take 0." in html


# With the page cache on and the shared parts cached, a member's question page
# reads only their own: the session, the user, and one query for everything
# that is theirs (votes, verdicts, bookmark, interview reports, follow, unread
# notifications, and whether they are a moderator). A visitor's comes whole
# from the cache.
WARM_QUESTION_PAGE = {"visitor": 0, "member": 3, "moderator": 3}


@pytest.mark.parametrize("reader", ["visitor", "member", "moderator"])
def test_a_warm_question_page_reads_only_the_readers_own_marks(
    client, member, moderator, reader, settings, django_assert_num_queries
):
    settings.MLQA_PAGE_CACHE_SECONDS = 300
    if reader != "visitor":
        client.force_login(member if reader == "member" else moderator)
    source, topic = SourceFactory(), TopicFactory()
    for size in [
        {"questions": 1, "edits": 1, "proposals": 1},
        {"questions": 3, "edits": 4, "proposals": 4},
    ]:
        answer = build(source, topic, member, moderator, **size)
        question = answer.question
        for number in range(3 * size["questions"]):
            CommentFactory(answer=answer)
            AnswerFactory(question=question, body=f"Answer number {number}.")
        url = question.get_absolute_url()
        assert client.get(url).status_code == 200  # fills the caches
        html = assert_queries(client, url, WARM_QUESTION_PAGE[reader], django_assert_num_queries)
        assert f"Answer number {3 * size['questions'] - 1}." in html
        assert ("View or withdraw" in html) == (reader == "member")
        assert ("Review the change" in html) == (reader == "moderator")
