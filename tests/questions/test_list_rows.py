"""A list row's parts besides its title and snippet are drawn from its facts
alone and kept per process by them (questions.listing.RowFacts): whatever
changes in a row shows on the next page drawn, cached parts or not."""

import pytest

from questions import services
from questions.listing import RowFacts, row_parts
from questions.models import Question, Topic, Verification
from tests.factories import AIAnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def row_of(client, question, **params) -> str:
    html = client.get("/", params).content.decode()
    start = html.index(f'href="{question.get_absolute_url()}"')
    return html[html.rindex('<li class="question-row">', 0, start) : html.index("</li>", start)]


def test_a_rows_changed_facts_show_at_once(client, settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 0
    question = QuestionFactory(title="What does weight decay do?")
    answer = AIAnswerFactory(question=question, ai_model="ChatGPT")
    first = row_of(client, question)
    assert "Top answer: AI (ChatGPT)" in first
    assert "Unreviewed" in first
    assert row_of(client, question) == first  # drawn again from the kept parts

    services.cast_vote(user=UserFactory(), answer=answer, choice="up")
    Question.objects.filter(pk=question.pk).update(difficulty="hard")
    question.topics.add(Topic.objects.create(name="Regularisation", slug="regularisation"))
    answer.refresh_from_db()
    answer.verification = Verification.VERIFIED
    answer.save(update_fields=["verification"])
    row = row_of(client, question, q="weight decay")
    assert "<strong>1</strong> best score" in row
    assert "difficulty-hard" in row
    assert 'href="/topics/regularisation/">Regularisation</a>' in row
    assert "Verified" in row
    assert "Unreviewed" not in row
    assert "<mark>weight</mark> <mark>decay</mark>" in row or "<mark>weight decay</mark>" in row


def test_rows_with_the_same_facts_share_their_parts():
    one, two = QuestionFactory(title="One"), QuestionFactory(title="Two")
    rows = {q.pk: q for q in Question.objects.for_list().select_related("top_answer")}
    for row in rows.values():
        row.best_score, row.top_origin = row.top_answer_score, row.top_answer_origin
    facts = [RowFacts.of(rows[one.pk]), RowFacts.of(rows[two.pk])]
    assert facts[0] != facts[1]  # their links differ
    assert row_parts(facts[0]) is row_parts(facts[0])
    assert row_parts(facts[0]).url == one.get_absolute_url()


def test_in_development_rows_are_drawn_afresh(client, settings):
    """An edited template shows at once under ``make run`` (DEBUG)."""
    settings.DEBUG = True
    QuestionFactory(title="Drawn afresh")
    kept = row_parts.cache_info().currsize
    assert "Drawn afresh" in client.get("/").content.decode()
    assert row_parts.cache_info().currsize == kept
    settings.DEBUG = False
    client.get("/")
    assert row_parts.cache_info().currsize == kept + 1
