""" "These look similar" on the ask form: ranked by similarity on both databases
(PostgreSQL: full text and pg_trgm; SQLite: shared content words), never by date,
and never for titles that share only stop words."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions import selectors, similar
from questions.embeddings import store
from questions.models import Question, Status
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
DROPOUT = "Why does dropout need scaling at inference time?"
DEMO_DROPOUT = (
    "Why do we scale activations when using dropout, and what changes between training "
    "and inference?"
)


def titles(text: str) -> list[str]:
    return [item.question.title for item in selectors.similar_questions(text)]


def test_content_words_leave_out_stop_words_and_stems_join_word_forms():
    assert similar.content_words("Why does dropout need scaling at inference time?") == [
        "dropout",
        "scaling",
        "inference",
        "time",
    ]
    assert similar.content_words("What is it, and why does it happen?") == []
    assert {similar.stem(w) for w in ("scaling", "scaled", "scales", "scale")} == {"scal"}
    assert similar.stem("clusters") == similar.stem("clustering") == "cluster"
    assert similar.stem("biases") == similar.stem("bias") == "bias"


def test_the_dropout_scaling_question_comes_first_on_the_demo_data(demo_data):
    found = titles(DROPOUT)
    assert found[0] == DEMO_DROPOUT
    # The demo's other questions share no content word with the title, or only a
    # word that their own long title dilutes: none of these is suggested.
    for unrelated in ("coin", "birthday", "classmates", "p-value", "k-means", "warmup"):
        assert not any(unrelated in title for title in found), (unrelated, found)


def test_more_similar_beats_newer(db):
    now = timezone.now()
    best = QuestionFactory(title="How does dropout scaling differ at inference time?")
    newer = QuestionFactory(title="Does dropout scaling help on small datasets?")
    Question.objects.filter(pk=best.pk).update(created_at=now - timedelta(days=400))
    Question.objects.filter(pk=newer.pk).update(created_at=now)
    found = titles(DROPOUT)
    assert found.index(best.title) < found.index(newer.title)


def test_titles_sharing_only_stop_words_are_not_suggested(db):
    QuestionFactory(title="Why does it matter at all, and what is it for?")
    QuestionFactory(title="What is the difference between bagging and boosting?")
    QuestionFactory(title="Why does the need to be at the same time matter?")
    assert titles(DROPOUT) == []
    found = titles("What is the difference between dropout and weight decay?")
    assert found == []
    QuestionFactory(title="Dropout versus weight decay: which regularises better?")
    assert titles("What is the difference between dropout and weight decay?") == [
        "Dropout versus weight decay: which regularises better?"
    ]


def test_only_published_questions_are_suggested(db):
    QuestionFactory(title="Why scale dropout at inference?", status=Status.PENDING)
    QuestionFactory(title="Dropout scaling at inference time", status=Status.HIDDEN)
    assert titles(DROPOUT) == []


def test_suggestions_follow_the_title_as_it_is_typed(client, member, demo_data):
    client.force_login(member)
    page = client.get(reverse("ask")).content.decode()
    field = re.search(r'<input type="text" id="id_title"[^>]*>', page)[0]
    assert 'hx-trigger="input changed delay:400ms"' in field
    url = re.search(r'hx-get="([^"]+)"', field)[1]
    response = client.get(url, {"title": DROPOUT}, headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert "These look similar" in body
    links = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', body)
    assert links[0] == DEMO_DROPOUT
    # A failed submission shows them too, under the title.
    response = client.post(reverse("ask"), {"title": DROPOUT, "body": "x" * 5001})
    assert response.status_code == 400
    assert DEMO_DROPOUT in response.content.decode()


@pytest.mark.parametrize("extra", [0, 40])
def test_suggestions_take_three_queries_whatever_the_data(client, django_assert_num_queries, extra):
    for number in range(extra):
        QuestionFactory(title=f"Dropout question number {number} about scaling layers")
    QuestionFactory(title="Why is dropout scaled at inference time?")
    # Every question has its vector: the words, the index's check, the vector hits.
    store.embed_questions(Question.objects.values_list("pk", flat=True))
    client.get(reverse("similar_questions"), {"title": "warm up"}, headers=HTMX)
    with django_assert_num_queries(3):
        body = client.get(reverse("similar_questions"), {"title": DROPOUT}, headers=HTMX)
    assert "Why is dropout scaled at inference time?" in body.content.decode()


def test_the_sqlite_score_looks_at_a_bounded_number_of_titles(db, monkeypatch):
    monkeypatch.setattr(similar, "MAX_CANDIDATES", 3)
    for number in range(6):
        QuestionFactory(title=f"Dropout question {number}")
    scored = similar.score_sqlite(Question.objects.published(), similar.content_words(DROPOUT))
    assert len(scored) <= 3
