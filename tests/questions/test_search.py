"""Search: the same behaviour on SQLite and PostgreSQL; ranking and stemming on PostgreSQL."""

import pytest
from django.db import connection
from django.urls import reverse

from questions import services
from questions.models import ModerationAction, Status
from questions.search import parse_query
from tests.factories import AIAnswerFactory, AnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    dropout = QuestionFactory(title="Why does dropout help generalisation?")
    AIAnswerFactory(question=dropout, body="It acts like an ensemble of thinned networks.")
    bn = QuestionFactory(
        title="How does batch normalization behave at inference?",
        body="Assume a CNN trained with large batches.",
    )
    AIAnswerFactory(question=bn, body="It uses running averages instead of batch statistics.")
    knn = QuestionFactory(title="Is k-nearest neighbours a lazy learner?")
    AnswerFactory(question=knn, body="Yes: all work happens at query time, like an ensemble vote.")
    return {"dropout": dropout, "bn": bn, "knn": knn}


def found(client, q: str, corpus) -> set[str]:
    html = client.get("/", {"q": q}).content.decode()
    return {name for name, question in corpus.items() if question.get_absolute_url() in html}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dropout", {"dropout"}),
        ("DROPOUT", {"dropout"}),
        ("CNN", {"bn"}),  # question body
        ("running averages", {"bn"}),  # answer text
        ("ensemble", {"dropout", "knn"}),
        ("ensemble -lazy", {"dropout"}),
        ('"batch normalization"', {"bn"}),
        ("dropout or lazy", {"dropout", "knn"}),
        ("transformer", set()),
    ],
)
def test_search_syntax_on_every_database(client, corpus, query, expected):
    assert found(client, query, corpus) == expected


def test_results_highlight_the_match_and_escape_the_text(client):
    QuestionFactory(title="Is <b>softmax</b> calibrated?")
    html = client.get("/", {"q": "softmax"}).content.decode()
    assert "<mark>softmax</mark>" in html
    assert "<b>softmax" not in html
    assert "&lt;b&gt;" in html


def test_text_of_hidden_answers_is_not_searchable(client):
    question = QuestionFactory(title="What is label smoothing?")
    AnswerFactory(question=question, body="A secret xylophone remark", status=Status.HIDDEN)
    assert client.get("/", {"q": "xylophone"}).context["page"].paginator.count == 0


def test_search_keeps_other_filters(client, corpus):
    html = client.get("/", {"q": "ensemble", "answers": "community"}).content.decode()
    assert corpus["knn"].get_absolute_url() in html
    assert corpus["dropout"].get_absolute_url() not in html


def test_query_parser_understands_web_search_syntax():
    parsed = parse_query('"batch norm" -cnn dropout OR lazy')
    assert parsed.groups == [["batch norm", "dropout"], ["lazy"]]
    assert parsed.excluded == ["cnn"]


@pytest.mark.postgres
def test_postgres_ranks_title_matches_above_answer_matches(client):
    # The title match is the older one: newest-first order would put it last.
    in_title = QuestionFactory(title="What causes vanishing gradients?")
    in_answer = QuestionFactory(title="Explain weight initialisation")
    AIAnswerFactory(question=in_answer, body="Careful initialisation matters for gradients.")
    results = list(client.get("/", {"q": "gradients"}).context["page"].object_list)
    assert results == [in_title, in_answer]


@pytest.mark.postgres
def test_postgres_ranks_title_matches_above_body_matches(client):
    in_title = QuestionFactory(title="When does an autoencoder beat PCA?")
    in_body = QuestionFactory(
        title="How would you compress embeddings?", body="Say you may train an autoencoder."
    )
    for sort in ({}, {"sort": "relevance"}):
        page = client.get("/", {"q": "autoencoder", **sort}).context["page"]
        assert list(page.object_list) == [in_title, in_body]
        assert page.object_list[0].rank > page.object_list[1].rank


def edit_title_in_the_admin(client, question, title: str):
    """Post the admin change form as it is, with only the title changed."""
    url = reverse("admin:questions_question_change", args=[question.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or field.disabled:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else value
    data["title"] = title
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.title == title


@pytest.mark.postgres
def test_postgres_finds_a_question_by_its_new_title_after_an_admin_edit(client, moderator):
    question = QuestionFactory(title="What is a perceptron?", body="Keep it short.")
    other = QuestionFactory(title="What is a decision tree?")

    def found(q: str) -> list:
        return list(client.get("/", {"q": q}).context["page"].object_list)

    assert found("perceptron") == [question]
    assert found("autoencoder") == []
    client.force_login(moderator)
    edit_title_in_the_admin(client, question, "What is a variational autoencoder?")
    client.logout()
    assert found("autoencoder") == [question]
    assert found("perceptron") == []
    assert found("tree") == [other]
    page = client.get("/", {"q": "autoencoder"}).context["page"]
    assert "<mark>autoencoder</mark>" in str(page.object_list[0].title_html)
    edit = ModerationAction.objects.get(action=ModerationAction.Kind.EDIT)
    assert (edit.moderator, edit.target_id) == (moderator, question.pk)
    assert edit.reason == "changed title"


@pytest.mark.postgres
def test_postgres_search_stems_words_and_follows_new_answers(client):
    question = QuestionFactory(title="How do you pick a learning rate?")
    assert client.get("/", {"q": "schedulers"}).context["page"].paginator.count == 0
    services.create_answer(
        question=question, body="Use a warm-up then a cosine scheduler.", author=None,
        origin="ai", ai_model="ChatGPT",
    )  # fmt: skip
    page = client.get("/", {"q": "schedulers"}).context["page"]
    assert list(page.object_list) == [question]
    assert "<mark>scheduler</mark>" in str(page.object_list[0].snippet_html)


@pytest.mark.postgres
def test_postgres_search_uses_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'questions_question' "
            "AND indexname = 'question_search_vector_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (search_vector)" in definition
