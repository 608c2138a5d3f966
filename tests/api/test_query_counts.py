"""Every endpoint costs a fixed number of queries, the same on small and on
larger data (more questions, answers, topics, bookmarks, reviews)."""

import pytest

from questions import services
from study import services as study
from tests.api.conftest import bearer
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The token's lookup is one query; its "last used" time is written at most once
# a minute (the first request below writes it, outside the counted ones).
EXPECTED = {
    "/api/v1/questions": 3,  # count, page, topics
    # + the search's bounded candidates (questions.search)
    "/api/v1/questions?q=bias&sort=top&verdict=unreviewed&answers=community": 4,
    "/api/v1/questions?topic=t0&source=s0&sort=asked": 5,  # + the topic and the source
    "/api/v1/questions/{question}": 3,  # question and source, topics, answers and authors
    "/api/v1/sources": 2,
    "/api/v1/sources/s0": 1,
    "/api/v1/topics": 2,
    "/api/v1/topics/t0": 1,
    "/api/v1/users/alice": 1,
    "/api/v1/models": 3,  # models, by topic, by source
    "/api/v1/me/bookmarks": 4,  # token, count, page, topics
    "/api/v1/me/bookmarks?topic=t0&sort=due": 5,  # + the topic
    "/api/v1/me/reviews": 3,  # token, count, page
}


def build(member, size: int):
    source, topic = SourceFactory(slug="s0"), TopicFactory(slug="t0")
    question = None
    for n in range(size):
        question = QuestionFactory(source=source, topics=[topic, TopicFactory()])
        AIAnswerFactory(question=question, ai_model=f"Model {n % 3}")
        for _ in range(2):
            answer = AnswerFactory(question=question)
            services.cast_vote(user=member, answer=answer, choice="up")
        bookmark = study.toggle_bookmark(user=member, question=question)
        study.save_note(user=member, bookmark=bookmark, note=f"Note {n}")
        study.review(user=member, bookmark=bookmark, rating=3)
    AnswerFactory(author=member, question=question)
    return question


@pytest.mark.parametrize("size", [1, 6])
def test_queries_do_not_grow_with_data(client, member, token, size, django_assert_num_queries):
    question = build(member, size)
    UserFactory()
    client.get("/api/v1/me/reviews", **bearer(token))  # records "last used"
    for url, expected in EXPECTED.items():
        url = url.format(question=question.pk)
        with django_assert_num_queries(expected):
            response = client.get(url, **(bearer(token) if "/me/" in url else {}))
        assert response.status_code == 200, (url, response.content)
        if "items" in response.json() and "/models" not in url:
            assert response.json()["items"], url
