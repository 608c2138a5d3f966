"""The public read endpoints: what they list, that nothing hidden or pending
shows, filters and sorts like the site, pagination, ETags, readable errors."""

import pytest

from questions import services
from questions.models import Status, Verification
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_question_list_shows_only_published_questions(client):
    QuestionFactory(title="Published one")
    QuestionFactory(title="Pending one", status=Status.PENDING)
    QuestionFactory(title="Hidden one", status=Status.HIDDEN)
    assert titles(client.get(f"{API}/questions")) == ["Published one"]


def test_question_list_filters_and_sorts_like_the_site(client):
    stats, nlp = TopicFactory(slug="stats"), TopicFactory(slug="nlp")
    book = SourceFactory(slug="book")
    easy = QuestionFactory(title="Easy stats", difficulty="easy", topics=[stats], source=book)
    hard = QuestionFactory(title="Hard nlp", difficulty="hard", topics=[nlp])
    AnswerFactory(question=easy)  # a community answer
    top = AIAnswerFactory(question=hard)
    services.cast_vote(user=UserFactory(), answer=top, choice="up")

    assert titles(client.get(f"{API}/questions?topic=stats")) == ["Easy stats"]
    assert titles(client.get(f"{API}/questions?source=book")) == ["Easy stats"]
    assert titles(client.get(f"{API}/questions?difficulty=hard")) == ["Hard nlp"]
    assert titles(client.get(f"{API}/questions?answers=community")) == ["Easy stats"]
    assert titles(client.get(f"{API}/questions?answers=ai-only")) == ["Hard nlp"]
    assert titles(client.get(f"{API}/questions?verdict=unreviewed")) == ["Hard nlp", "Easy stats"]
    assert titles(client.get(f"{API}/questions?sort=top")) == ["Hard nlp", "Easy stats"]
    assert titles(client.get(f"{API}/questions?sort=community")) == ["Hard nlp", "Easy stats"]
    assert titles(client.get(f"{API}/questions?q=easy")) == ["Easy stats"]


def test_question_list_rows_carry_the_best_answer(client):
    question = QuestionFactory()
    AIAnswerFactory(question=question)
    QuestionFactory(title="Unanswered")
    items = client.get(f"{API}/questions?sort=top").json()["items"]
    assert items[0]["best_answer"] == {
        "score": 0,
        "origin": "ai",
        "ai_model": "ChatGPT",
        "verification": "unreviewed",
        "corrected": False,
    }
    assert items[1]["title"] == "Unanswered"
    assert items[1]["best_answer"] is None
    assert items[0]["url"] == f"http://testserver{question.get_absolute_url()}"


def test_question_list_pages(client):
    for n in range(5):
        QuestionFactory(title=f"Question {n}")
    first = client.get(f"{API}/questions?page_size=2").json()
    assert [item["title"] for item in first["items"]] == ["Question 4", "Question 3"]
    assert (first["count"], first["page"], first["pages"]) == (5, 1, 3)
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/questions?page_size=2&page=2"
    last = client.get(f"{API}/questions?page_size=2&page=3").json()
    assert [item["title"] for item in last["items"]] == ["Question 0"]
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/v1/questions?page_size=2&page=2"
    beyond = client.get(f"{API}/questions?page=9").json()
    assert beyond["items"] == []
    assert beyond["previous"] == "http://testserver/api/v1/questions?page=1"


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "page=99999999999",
        "page_size=101",
        "sort=random",
        "difficulty=impossible",
        "verdict=maybe",
        "q=" + "x" * 201,
    ],
)
def test_bad_list_parameters_get_a_readable_422(client, query):
    response = client.get(f"{API}/questions?{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"


def test_an_unknown_source_or_topic_is_a_404_that_says_so(client):
    response = client.get(f"{API}/questions?source=nowhere")
    assert response.status_code == 404
    assert response.json() == {"detail": "No source with this slug."}
    assert client.get(f"{API}/questions?topic=nowhere").status_code == 404


def test_question_detail_has_published_answers_in_the_site_ranking(client):
    author = UserFactory(username="carol", display_name="Carol K.")
    question = QuestionFactory(title="Why dropout?", body="Think **training** vs test.")
    ai = AIAnswerFactory(question=question)
    community = AnswerFactory(question=question, author=author, body="Because *noise*.")
    services.cast_vote(user=UserFactory(), answer=community, choice="up")
    AnswerFactory(question=question, status=Status.HIDDEN, body="Hidden spam")
    AnswerFactory(question=question, status=Status.PENDING, body="Held answer")

    response = client.get(f"{API}/questions/{question.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Why dropout?"
    assert data["body"] == "Think **training** vs test."
    assert "<strong>training</strong>" in data["body_html"]
    assert [a["id"] for a in data["answers"]] == [community.pk, ai.pk]
    first, second = data["answers"]
    assert first["body"] == "Because *noise*."
    assert "<em>noise</em>" in first["body_html"]
    assert first["origin"] == "community"
    assert first["ai_model"] is None
    assert first["author"] == {"name": "Carol K.", "username": "carol"}
    assert (first["score"], first["upvotes"], first["downvotes"]) == (1, 1, 0)
    assert first["revision_count"] == 1
    assert first["verification"] == "unreviewed"
    assert second["origin"] == "ai"
    assert second["ai_model"] == "ChatGPT"
    assert second["author"] is None
    assert data["best_answer"]["origin"] == "community"
    assert "Hidden spam" not in response.text
    assert "Held answer" not in response.text


def test_answer_shows_its_verification_and_correction(client):
    answer = AIAnswerFactory()
    type(answer).objects.filter(pk=answer.pk).update(verification=Verification.VERIFIED)
    data = client.get(f"{API}/questions/{answer.question_id}").json()
    assert data["answers"][0]["verification"] == "verified"
    assert data["answers"][0]["corrected_at"] is None


def test_a_deleted_members_answer_keeps_only_the_public_name(client):
    from accounts.services import delete_account

    author = UserFactory(username="dora")
    answer = AnswerFactory(author=author)
    delete_account(user=author)
    data = client.get(f"{API}/questions/{answer.question_id}").json()
    assert data["answers"][0]["author"] == {"name": "deleted member", "username": None}


@pytest.mark.parametrize("status", [Status.HIDDEN, Status.PENDING])
def test_hidden_and_pending_questions_are_not_found(client, status):
    question = QuestionFactory(status=status)
    response = client.get(f"{API}/questions/{question.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published question with this id."}


def test_an_unknown_question_is_not_found(client):
    assert client.get(f"{API}/questions/987654").status_code == 404
    assert client.get(f"{API}/questions/99999999999999999999").status_code == 404
    assert client.get(f"{API}/questions/abc").status_code == 404


def test_sources_and_topics_count_published_questions_only(client):
    topic, source = TopicFactory(slug="stats", name="Statistics"), SourceFactory(slug="book")
    QuestionFactory(topics=[topic], source=source)
    QuestionFactory(topics=[topic], source=source, status=Status.HIDDEN)
    QuestionFactory(topics=[topic], source=source, status=Status.PENDING)
    topics = client.get(f"{API}/topics").json()
    assert topics["items"] == [
        {"name": "Statistics", "slug": "stats", "description": "", "question_count": 1}
    ]
    assert client.get(f"{API}/topics/stats").json()["question_count"] == 1
    sources = client.get(f"{API}/sources").json()["items"]
    assert [(s["slug"], s["question_count"]) for s in sources] == [("book", 1)]
    assert client.get(f"{API}/sources/book").json()["question_count"] == 1
    assert client.get(f"{API}/topics/nope").status_code == 404
    assert client.get(f"{API}/sources/nope").status_code == 404


@pytest.mark.parametrize(
    ("kind", "factory"), [("topics", TopicFactory), ("sources", SourceFactory)]
)
def test_sources_and_topics_page(client, kind, factory):
    for n in range(3):
        factory(name=f"Name {n}", slug=f"s{n}")
    page = client.get(f"{API}/{kind}?page_size=2&page=2").json()
    assert [item["slug"] for item in page["items"]] == ["s2"]
    assert (page["count"], page["pages"]) == (3, 2)
    assert page["next"] is None


def test_member_profile_is_public_but_suspended_and_deleted_are_not_found(client, moderator):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.services import delete_account, suspend_member

    carol = UserFactory(username="carol", display_name="Carol K.", bio="Kernels.")
    answer = AnswerFactory(author=carol)
    services.cast_vote(user=UserFactory(), answer=answer, choice="up")
    data = client.get(f"{API}/users/carol").json()
    assert data["name"] == "Carol K."
    assert data["bio"] == "Kernels."
    assert data["reputation"] == 1
    assert data["url"] == "http://testserver/users/carol/"
    assert "email" not in data

    suspend_member(
        moderator=moderator,
        member=carol,
        until=timezone.now() + timedelta(days=3),
        reason="Spam.",
    )
    assert client.get(f"{API}/users/carol").status_code == 404
    dora = UserFactory(username="dora")
    delete_account(user=dora)
    assert client.get(f"{API}/users/dora").status_code == 404


def test_models_leaderboard_counts_published_ai_answers_only(client):
    topic = TopicFactory(name="Statistics")
    AIAnswerFactory(question=QuestionFactory(topics=[topic]))
    AIAnswerFactory(question=QuestionFactory(topics=[topic]), ai_model="Gemini")
    AIAnswerFactory(question=QuestionFactory(), ai_model="Gemini", status=Status.HIDDEN)
    AIAnswerFactory(question=QuestionFactory(status=Status.HIDDEN), ai_model="Gemini")
    data = client.get(f"{API}/models?sort=answers").json()
    assert [(m["name"], m["answers"]) for m in data["items"]] == [("ChatGPT", 1), ("Gemini", 1)]
    chatgpt = data["items"][0]
    assert chatgpt["slug"] == "chatgpt"
    assert chatgpt["verified"] == {"count": 0, "total": 0, "share": None, "low": None, "high": None}
    assert [t["name"] for t in chatgpt["by_topic"]] == ["Statistics"]
    assert client.get(f"{API}/models?sort=nope").status_code == 422
    assert client.get(f"{API}/models?page_size=1&page=2").json()["items"][0]["name"] == "Gemini"


def test_answers_carry_an_etag_and_an_unchanged_one_is_a_304(client):
    question = QuestionFactory()
    for url in [
        f"{API}/questions",
        f"{API}/questions/{question.pk}",
        f"{API}/sources",
        f"{API}/topics",
        f"{API}/models",
        f"{API}/openapi.json",
    ]:
        response = client.get(url)
        etag = response["ETag"]
        assert etag.startswith('"'), url
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again.content == b""
        assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200
    before = client.get(f"{API}/questions/{question.pk}")["ETag"]
    AnswerFactory(question=question)
    changed = client.get(f"{API}/questions/{question.pk}", HTTP_IF_NONE_MATCH=before)
    assert changed.status_code == 200
    assert changed["ETag"] != before


def test_public_answers_may_be_cached_but_are_revalidated(client):
    response = client.get(f"{API}/questions")
    assert response["Cache-Control"] == "no-cache"
    assert "Authorization" in response["Vary"]


def test_per_address_rate_limit_answers_429_with_retry_after(client, settings):
    settings.MLQA_RATE_LIMITS = {"api": (3, 60)}
    for _ in range(3):
        assert client.get(f"{API}/topics").status_code == 200
    response = client.get(f"{API}/topics")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "3 API requests per minute" in response.json()["detail"]
    # Another address has its own count.
    assert client.get(f"{API}/topics", REMOTE_ADDR="10.0.0.9").status_code == 200
