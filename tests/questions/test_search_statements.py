"""A search reads its candidates and its page's rows with statements that each
process compiles once per shape (``questions.search_sql``): every search of a
shape still reads its own words, filters and page, on every database."""

from unittest import mock

import pytest
from django.db.models import Q

from mlqa_site import prepared
from questions import search_sql
from questions.models import Answer, Difficulty, Question, Source, Topic
from questions.search import START, STOP
from tests.factories import AIAnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 0


def titles(client, **params) -> list[str]:
    response = client.get("/", params)
    assert response.status_code == 200
    return [row.title for row in response.context["page"].object_list]


def test_searches_of_one_shape_each_read_their_own_words(client):
    QuestionFactory(title="How does dropout regularise a network?")
    QuestionFactory(title="Why normalise the inputs of a batch?")
    for _ in range(2):  # the second round reads with the statements kept
        assert titles(client, q="dropout") == ["How does dropout regularise a network?"]
        assert titles(client, q="normalise") == ["Why normalise the inputs of a batch?"]
        assert titles(client, q="dropout", sort="newest") == [
            "How does dropout regularise a network?"
        ]
    html = client.get("/", {"q": "normalise"}).content.decode()
    assert "<mark>normalise</mark>" in html.lower()
    assert "<mark>dropout</mark>" not in html.lower()


def test_a_searchs_filters_are_its_own(client):
    trees = Topic.objects.create(name="Trees", slug="trees")
    nets = Topic.objects.create(name="Networks", slug="networks")
    QuestionFactory(title="Does pruning help a deep tree?", topics=[trees])
    QuestionFactory(title="Does pruning help a wide network?", topics=[nets])
    QuestionFactory(
        title="Does pruning help a hard network?", topics=[nets], difficulty=Difficulty.HARD
    )
    for _ in range(2):
        assert titles(client, q="pruning", topic="trees") == ["Does pruning help a deep tree?"]
        assert set(titles(client, q="pruning", topic="networks")) == {
            "Does pruning help a wide network?",
            "Does pruning help a hard network?",
        }
        assert titles(client, q="pruning", topic="networks", difficulty="hard") == [
            "Does pruning help a hard network?"
        ]
        assert len(titles(client, q="pruning")) == 3


def test_each_page_reads_its_own_rows(client, settings):
    settings.MLQA_QUESTIONS_PER_PAGE = 2
    for n in range(5):
        QuestionFactory(title=f"Which optimiser suits case {n}?")
    pages = [titles(client, q="optimiser", page=page) for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert len({title for page in pages for title in page}) == 5


@pytest.mark.postgres
def test_a_search_shape_is_compiled_once_per_process(client):
    QuestionFactory(title="How does dropout regularise a network?")
    QuestionFactory(title="Why normalise the inputs of a batch?")
    prepared._kept.clear()
    with mock.patch.object(
        prepared, "compile_statement", wraps=prepared.compile_statement
    ) as compiled:
        titles(client, q="dropout")
        # The candidates, the vector index's look for new vectors, the page's rows.
        assert compiled.call_count == 3
        assert titles(client, q="normalise") == ["Why normalise the inputs of a batch?"]
        titles(client, q="batch", page=1)
        assert compiled.call_count == 3
        titles(client, q="dropout", sort="newest")  # another shape: rows without their rank
        assert compiled.call_count == 5


def test_a_queryset_without_the_stand_in_is_not_kept():
    # The stand-in must reach the parameters as it was given, else the request
    # compiles its own query.
    absent = Question.objects.filter(title="something else")
    assert prepared.compile_statement(absent, {"text": search_sql.STAND_IN_TEXT}) is None
    present = Question.objects.filter(Q(title=search_sql.STAND_IN_TEXT) | Q(slug="x"))
    found = prepared.compile_statement(present, {"text": search_sql.STAND_IN_TEXT})
    assert found is not None
    assert [name for _, name in found.slots] == ["text"]


@pytest.mark.postgres
def test_a_pages_rows_hold_what_the_orm_reads():
    # Raw rows skip Django's converters: every field kept must come out as the
    # ORM gives it (a field with a converter would not).
    trees = Topic.objects.create(name="Trees", slug="trees")
    with_answer = QuestionFactory(title="Does pruning help a deep tree?", topics=[trees])
    AIAnswerFactory(question=with_answer, ai_model="a model")
    bare = QuestionFactory(title="Does pruning help a network?", source=None)
    ids = [with_answer.pk, bare.pk]
    rows = {
        row.pk: row for row in search_sql.page_rows("pruning", ids, ranked=True, using="default")
    }
    for question in Question.objects.filter(pk__in=ids).select_related("source", "top_answer"):
        row = rows[question.pk]
        for model, mine, theirs in (
            (Question, row, question),
            (Source, row.source, question.source),
            (Answer, row.top_answer, question.top_answer),
        ):
            assert (mine is None) == (theirs is None)
            for field in model._meta.concrete_fields:
                if mine is not None and field.attname in mine.__dict__:
                    assert getattr(mine, field.attname) == getattr(theirs, field.attname), field
        assert row.topic_slugs == [t.slug for t in question.topics.order_by("name")]
        assert f"{START}pruning{STOP}" in row.title_headline  # marked, not yet escaped
        assert row.asked_recently == 0
    assert rows[with_answer.pk].top_answer.ai_model == "a model"
