"""Semantic duplicates, related questions and hybrid search (questions/embeddings/),
through the site's own pages: the ask form's list, the question page, search."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questions import services
from questions.embeddings import store
from questions.models import Question, QuestionVector, RelatedQuestion, Status
from tests.factories import QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
VAL_LOSS = "Why is the validation loss lower than the training loss?"
# The same question in other words: the word search needs them all, and finds none.
VAL_LOSS_PARAPHRASE = "Dev set loss smaller than train set loss, is something wrong?"
KMEANS = "How do you choose the number of clusters in k-means?"
GRADIENTS = "What causes exploding gradients in recurrent networks?"


@pytest.fixture
def embedded(django_capture_on_commit_callbacks):
    """Three published questions with their vectors, computed by the background
    task when the transaction commits (the immediate backend in tests)."""
    with django_capture_on_commit_callbacks(execute=True):
        questions = {
            "loss": QuestionFactory(title=VAL_LOSS),
            "kmeans": QuestionFactory(title=KMEANS),
            "gradients": QuestionFactory(title=GRADIENTS),
        }
    return questions


def listed(html: str) -> list[str]:
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', html)


def similar(client, title: str, **params) -> list[str]:
    response = client.get(reverse("similar_questions"), {"title": title, **params}, headers=HTMX)
    assert response.status_code == 200
    return listed(response.content.decode())


def test_every_published_question_gets_a_vector_in_the_background(embedded):
    assert QuestionVector.objects.count() == 3
    vector = store.from_bytes(QuestionVector.objects.get(question=embedded["loss"]).vector)
    assert vector.shape == (384,)
    # Each one's related questions are stored, by vector.
    assert RelatedQuestion.objects.filter(question=embedded["loss"]).count() == 2


def test_a_paraphrase_ranks_above_an_unrelated_question(client, embedded):
    found = similar(client, VAL_LOSS_PARAPHRASE)
    assert found[0] == VAL_LOSS
    assert KMEANS not in found  # not close enough by vector, no word in common


def test_the_fragment_links_each_question_with_a_similarity_label(client, embedded):
    response = client.get(reverse("similar_questions"), {"title": VAL_LOSS}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    link = embedded["loss"].get_absolute_url()
    assert re.search(
        rf'<a href="{re.escape(link)}">{re.escape(VAL_LOSS)}</a> <span class="muted similarity">'
        r"\(very similar\)</span>",
        html,
    )
    # Without htmx it is the same fragment (the endpoint's contract).
    assert listed(client.get(reverse("similar_questions"), {"title": VAL_LOSS}).text)[0] == VAL_LOSS


def test_the_body_counts_too(client, embedded):
    found = similar(client, "A question about my model", body="k-means: how many clusters?")
    assert found[0] == KMEANS


def test_the_vector_is_recomputed_after_an_edit(
    client, moderator, embedded, django_capture_on_commit_callbacks
):
    question = embedded["kmeans"]
    before = QuestionVector.objects.get(question=question)
    question.title = "How do gradients blow up when training an RNN?"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_question(editor=moderator, question=question, changed=["title"])
    after = QuestionVector.objects.get(question=question)
    assert after.digest != before.digest
    assert after.vector != before.vector
    # The ask form now finds it for what it says now, not for what it said.
    assert question.title in similar(client, "Why do gradients explode in an RNN?")
    assert question.title not in similar(client, "Choosing the k of k-means clustering")


def test_unchanged_text_is_not_embedded_again(embedded):
    ids = [question.pk for question in embedded.values()]
    assert store.embed_questions(ids) == []
    assert sorted(store.embed_questions(ids, force=True)) == sorted(ids)


def test_hidden_and_pending_questions_never_appear(
    client, moderator, embedded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.hide(moderator=moderator, target=embedded["loss"], reason="spam")
        QuestionFactory(title="Why is validation loss under training loss?", status=Status.PENDING)
    assert VAL_LOSS not in similar(client, VAL_LOSS_PARAPHRASE)
    assert VAL_LOSS not in similar(client, VAL_LOSS)
    assert "Why is validation loss under training loss?" not in similar(client, VAL_LOSS)
    assert VAL_LOSS not in results(client, VAL_LOSS_PARAPHRASE)
    page = client.get(embedded["gradients"].get_absolute_url()).text
    assert VAL_LOSS not in page


def test_the_endpoint_rejects_a_10_kb_title_with_400(client, embedded):
    response = client.get(reverse("similar_questions"), {"title": "x" * 10_000}, headers=HTMX)
    assert response.status_code == 400
    assert "at most 300 characters" in response.content.decode()
    response = client.get(reverse("similar_questions"), {"title": "ok", "body": "y" * 10_000})
    assert response.status_code == 400


def test_the_endpoint_is_rate_limited(client, member, settings, embedded):
    settings.MLQA_RATE_LIMITS = {"similar": (3, 60)}
    client.force_login(member)
    for _ in range(3):
        assert similar(client, VAL_LOSS)
    response = client.get(reverse("similar_questions"), {"title": VAL_LOSS}, headers=HTMX)
    assert response.status_code == 429
    assert "look-ups of similar questions" in response.content.decode()


def test_a_plain_post_of_a_likely_duplicate_asks_for_confirmation(client, member, embedded):
    client.force_login(member)
    data = {"title": "Why is validation loss lower than training loss?", "body": ""}
    response = client.post(reverse("ask"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "looks like one that is already here" in html
    assert VAL_LOSS in listed(html)
    assert not Question.objects.filter(title=data["title"]).exists()
    # Confirmed, it is submitted (held for a moderator).
    response = client.post(reverse("ask"), {**data, "confirm": "1"})
    assert response.status_code == 302
    assert Question.objects.get(title=data["title"]).status == Status.PENDING


def test_an_unrelated_question_is_submitted_at_once(client, member, embedded):
    client.force_login(member)
    title = "How would you detect data drift in production features?"
    response = client.post(reverse("ask"), {"title": title, "body": ""})
    assert response.status_code == 302
    assert Question.objects.filter(title=title).exists()


def test_related_questions_are_the_nearest_by_vector_topic_breaking_ties(
    client, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    with django_capture_on_commit_callbacks(execute=True):
        loss = QuestionFactory(title=VAL_LOSS, topics=[topic])
        # Shares the topic but is about something else.
        QuestionFactory(title="What is a p-value?", topics=[topic])
        twin = QuestionFactory(title="Why can validation loss sit below training loss?")
    store.refresh_related([loss.pk])
    page = client.get(loss.get_absolute_url()).text
    related = page[page.index("Related questions") :]
    assert related.index(twin.title) < related.index("What is a p-value?")


@pytest.mark.parametrize("reader", ["visitor", "member"])
def test_stored_related_questions_keep_the_question_page_query_count(
    client, member, reader, embedded, django_assert_num_queries
):
    """The stored neighbours are read in the query that read the topic's
    questions before: as many queries with them as without."""
    if reader == "member":
        client.force_login(member)
    question = embedded["loss"]
    stored = list(RelatedQuestion.objects.filter(question=question))
    assert stored
    RelatedQuestion.objects.filter(question=question).delete()
    with CaptureQueriesContext(connection) as without:
        assert GRADIENTS not in client.get(question.get_absolute_url()).text  # no shared topic
    RelatedQuestion.objects.bulk_create(stored)
    with django_assert_num_queries(len(without.captured_queries)):
        response = client.get(question.get_absolute_url())
    assert GRADIENTS in response.text


def results(client, query: str) -> str:
    """The list page's text for a search, highlights taken out."""
    return re.sub(r"<[^>]+>", "", client.get("/", {"q": query}).text)


def test_search_finds_a_question_asked_in_other_words(client, embedded, settings):
    found = results(client, VAL_LOSS_PARAPHRASE)
    assert VAL_LOSS in found
    assert KMEANS not in found
    settings.MLQA_EMBEDDINGS = False  # words alone: no question has all those words
    assert VAL_LOSS not in results(client, VAL_LOSS_PARAPHRASE)


def test_search_keeps_word_matches_first_and_their_highlights(client, embedded):
    html = client.get("/", {"q": "number of clusters"}).text
    assert "<mark>clusters</mark>" in html
    rows = [
        re.sub(r"<[^>]+>", "", title)
        for title in re.findall(r'<a href="/questions/\d+/[^"]*"[^>]*>(.*?)</a>', html)
    ]
    assert rows[0] == KMEANS


def test_switched_off_nothing_is_embedded(settings, django_capture_on_commit_callbacks, client):
    settings.MLQA_EMBEDDINGS = False
    with django_capture_on_commit_callbacks(execute=True):
        QuestionFactory(title=VAL_LOSS)
    assert not QuestionVector.objects.exists()
    assert similar(client, VAL_LOSS) == [VAL_LOSS]  # words still work


def test_the_command_embeds_in_batches_with_a_progress_bar(db):
    for title in (VAL_LOSS, KMEANS, GRADIENTS):
        QuestionFactory(title=title)
    from io import StringIO

    out = StringIO()
    call_command("embed_questions", batch=2, stdout=out)
    text = out.getvalue()
    assert "vectors  [####################..........] 2/3" in text
    assert "3 vector(s) computed, 3 question(s) related." in text
    assert QuestionVector.objects.count() == 3
    out = StringIO()
    call_command("embed_questions", stdout=out)
    assert "0 vector(s) computed" in out.getvalue()
