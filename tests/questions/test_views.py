import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions import services
from questions.models import Status
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_home_lists_published_questions_only(client):
    shown = QuestionFactory(title="Explain batch normalisation")
    QuestionFactory(title="A pending submission", status=Status.PENDING)
    QuestionFactory(title="A hidden question", status=Status.HIDDEN)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert shown.title in html
    assert "A pending submission" not in html
    assert "A hidden question" not in html
    assert shown.get_absolute_url() in html


def test_home_row_says_when_the_top_answer_is_ai(client):
    question = QuestionFactory(title="What is dropout?")
    AIAnswerFactory(question=question, ai_model="ChatGPT")
    response = client.get("/")
    assert "Top answer: AI (ChatGPT)" in response.content.decode()


def test_home_filters_by_search_topic_and_difficulty(client):
    nlp = TopicFactory(name="NLP", slug="nlp")
    questions = [
        QuestionFactory(title="How does attention work?", difficulty="hard", topics=[nlp]),
        QuestionFactory(title="What is a p-value?", difficulty="easy"),
    ]

    def titles(**params):
        html = client.get("/", params).content.decode()
        return {q.title for q in questions if q.get_absolute_url() in html}

    assert titles(q="ATTENTION") == {"How does attention work?"}
    assert titles(topic="nlp") == {"How does attention work?"}
    assert titles(difficulty="easy") == {"What is a p-value?"}
    assert titles(q="nothing-like-this") == set()


def test_home_with_htmx_returns_only_the_results_fragment(client):
    QuestionFactory(title="What is a ROC curve?", difficulty="easy")
    QuestionFactory(title="Explain beam search", difficulty="hard")
    full = client.get("/", {"difficulty": "easy"}).content.decode()
    fragment = client.get("/", {"difficulty": "easy"}, headers={"HX-Request": "true"})
    fragment = fragment.content.decode()
    assert "<html" in full
    assert "What is a ROC curve?" in full
    assert "<html" not in fragment
    assert "<header" not in fragment
    assert "What is a ROC curve?" in fragment
    assert "Explain beam search" not in fragment
    assert "1 question" in fragment


def test_bad_page_numbers_fall_back_to_a_real_page(client):
    QuestionFactory()
    assert client.get("/", {"page": "-3"}).status_code == 200
    assert client.get("/", {"page": "abc"}).status_code == 200
    assert client.get("/", {"page": "99999"}).status_code == 200


def test_question_page_shows_ranked_answers_with_the_ai_label(client):
    question = QuestionFactory(title="Why is my validation loss below my training loss?")
    ai = AIAnswerFactory(question=question, body="It is **overfitting**.")
    community = AnswerFactory(question=question, body="Dropout is off at evaluation time.")
    for voter in ("v1", "v2"):
        services.cast_vote(user=UserFactory(username=voter), answer=community, choice="up")
    CommentFactory(answer=ai, body="This is wrong: it is not overfitting.")

    response = client.get(question.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "AI-generated · ChatGPT" in html
    assert "<strong>overfitting</strong>" in html
    assert "This is wrong: it is not overfitting." in html
    # The community answer with two upvotes ranks above the AI answer.
    assert html.index("Dropout is off at evaluation time.") < html.index("overfitting</strong>")


def test_question_page_redirects_to_the_canonical_slug(client):
    question = QuestionFactory(title="What is L1 regularisation?")
    canonical = question.get_absolute_url()
    assert canonical == f"/questions/{question.pk}/what-is-l1-regularisation/"
    for wrong in (f"/questions/{question.pk}/", f"/questions/{question.pk}/old-title/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == canonical


def test_unknown_or_unpublished_question_is_a_404_page(client):
    pending = QuestionFactory(status=Status.PENDING)
    for url in ("/questions/999999/anything/", pending.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_hidden_answers_and_comments_are_not_shown(client):
    question = QuestionFactory()
    AnswerFactory(question=question, body="Visible answer")
    AnswerFactory(question=question, body="Hidden answer", status=Status.HIDDEN)
    visible = AIAnswerFactory(question=question)
    CommentFactory(answer=visible, body="Hidden comment", status="hidden")
    html = client.get(question.get_absolute_url()).content.decode()
    assert "Visible answer" in html
    assert "Hidden answer" not in html
    assert "Hidden comment" not in html


def test_post_to_a_read_only_page_is_405(client):
    question = QuestionFactory()
    assert client.post("/").status_code == 405
    assert client.post(question.get_absolute_url()).status_code == 405


def test_source_and_topic_pages_filter_the_list(client):
    topic = TopicFactory(name="Statistics", slug="statistics")
    inside = QuestionFactory(title="What is a confidence interval?", topics=[topic])
    outside = QuestionFactory(title="What is a convolution?")
    html = client.get("/topics/statistics/").content.decode()
    assert inside.title in html
    assert outside.title not in html
    html = client.get(outside.source.get_absolute_url()).content.decode()
    assert outside.title in html
    assert inside.title not in html
    assert client.get("/topics/unknown/").status_code == 404
    assert client.get("/sources/unknown/").status_code == 404


def test_profile_shows_a_members_answers(client):
    answer = AnswerFactory(question=QuestionFactory(title="What is weight decay?"))
    html = client.get(f"/users/{answer.author.username}/").content.decode()
    assert answer.author.public_name in html
    assert "What is weight decay?" in html
    assert client.get("/users/nobody-here/").status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _build(questions: int, answers_each: int, comments_each: int):
    topics = [TopicFactory() for _ in range(3)]
    first = None
    for _ in range(questions):
        question = QuestionFactory(topics=topics)
        first = first or question
        AIAnswerFactory(question=question)
        for _ in range(answers_each):
            answer = AnswerFactory(question=question)
            for _ in range(comments_each):
                CommentFactory(answer=answer)
        CommentFactory(answer=None, question=question)
    return first


def test_list_and_question_page_queries_do_not_grow_with_data(client):
    small = _build(questions=2, answers_each=1, comments_each=1)
    small_counts = (_queries(client, "/"), _queries(client, small.get_absolute_url()))
    large = _build(questions=25, answers_each=6, comments_each=4)
    large_counts = (_queries(client, "/"), _queries(client, large.get_absolute_url()))
    assert small_counts == large_counts
    assert large_counts[1] <= 12


def test_query_counts_for_a_signed_in_member_stay_flat(client, member):
    client.force_login(member)
    small = _build(questions=2, answers_each=1, comments_each=1)
    small_counts = (_queries(client, "/?q=case"), _queries(client, small.get_absolute_url()))
    large = _build(questions=20, answers_each=5, comments_each=5)
    large_counts = (_queries(client, "/?q=case"), _queries(client, large.get_absolute_url()))
    assert small_counts == large_counts
    assert large_counts[1] <= 12


def test_list_filters_for_community_and_ai_only_answers_and_sorts(client):
    ai_only = QuestionFactory(title="Only the AI answered")
    AIAnswerFactory(question=ai_only)
    both = QuestionFactory(title="The community answered too")
    AIAnswerFactory(question=both)
    community = AnswerFactory(question=both)
    for voter in ("u1", "u2", "u3"):
        services.cast_vote(user=UserFactory(username=voter), answer=community, choice="up")

    def rows(**params):
        return [q.title for q in client.get("/", params).context["page"].object_list]

    assert rows(answers="community") == ["The community answered too"]
    assert rows(answers="ai-only") == ["Only the AI answered"]
    assert rows(sort="top") == ["The community answered too", "Only the AI answered"]
    assert rows(sort="community") == ["Only the AI answered", "The community answered too"]
    assert rows(sort="newest") == ["The community answered too", "Only the AI answered"]
    assert rows(sort="nonsense") == rows(sort="newest")


def test_htmx_history_restore_gets_the_full_page_and_responses_vary(client):
    QuestionFactory(title="What is a ROC curve?")
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get("/", {"q": "ROC"}, headers=headers)
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]
