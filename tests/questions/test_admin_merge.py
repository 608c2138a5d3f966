"""Merging duplicates in the admin: the question that stays is found by
searching its title (Django's autocomplete), never typed as an id."""

import json
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from questions import services
from questions.models import Question, Status
from tests.factories import AnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:questions_question_changelist")
SELF_MERGE = "a question cannot be merged into itself"


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def merge(client, duplicates, **data):
    return client.post(
        CHANGELIST,
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [q.pk for q in duplicates], **data},
        follow=True,
    )


def test_the_merge_form_searches_questions_with_an_autocomplete(mod_client):
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    html = merge(mod_client, [duplicate]).content.decode()
    select = re.search(r'<select name="into"[^>]*>', html).group(0)
    assert "admin-autocomplete" in select
    assert f'data-ajax--url="{reverse("admin:autocomplete")}"' in select
    assert 'data-field-name="merged_into"' in select
    assert 'data-model-name="question"' in select
    assert 'name="into" type="number"' not in html  # no typed id
    # The widget's scripts and styles are on the page.
    for asset in ("select2.full", "autocomplete.js", "select2.min.css", "jquery"):
        assert asset in html


def test_the_search_offers_published_questions_that_were_not_merged_away(mod_client, moderator):
    kept = QuestionFactory(title="What is dropout?")
    QuestionFactory(title="Hidden dropout question", status=Status.HIDDEN)
    gone = QuestionFactory(title="Dropout, asked again")
    services.merge_questions(moderator=moderator, duplicate=gone, into=kept)
    QuestionFactory(title="What is batch norm?")
    params = {
        "app_label": "questions",
        "model_name": "question",
        "field_name": "merged_into",
        "term": "dropout",
    }
    response = mod_client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    results = json.loads(response.content)["results"]
    assert results == [{"id": str(kept.pk), "text": "What is dropout?"}]


def test_the_picked_question_receives_the_duplicate(mod_client):
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    answer = AnswerFactory(question=duplicate)
    page = merge(mod_client, [duplicate], apply="1", into=kept.pk).content.decode()
    assert "1 question merged into “What is dropout?”." in page
    answer.refresh_from_db()
    duplicate.refresh_from_db()
    assert answer.question == kept
    assert (duplicate.status, duplicate.merged_into) == (Status.HIDDEN, kept)


@pytest.mark.parametrize("others", [0, 2])
def test_merging_a_question_into_itself_is_refused_once(mod_client, others):
    target = QuestionFactory(title="What is dropout?")
    more = [QuestionFactory(title=f"Dropout duplicate {n}") for n in range(others)]
    response = merge(mod_client, [target, *more], apply="1", into=target.pk)
    html = response.content.decode()
    assert html.count(SELF_MERGE) == 1
    assert "merged into “" not in html  # nothing was merged, not even the others
    assert Question.objects.filter(status=Status.PUBLISHED).count() == 1 + others
    assert not Question.objects.filter(merged_into__isnull=False).exists()
    # The form is shown again with the selection kept, to choose another question.
    assert html.count(f'name="{ACTION_CHECKBOX_NAME}" value=') == 1 + others


def test_a_hidden_or_unknown_target_is_refused_with_a_reason(mod_client):
    duplicate = QuestionFactory(title="Its duplicate")
    hidden = QuestionFactory(title="A hidden question", status=Status.HIDDEN)
    for into in (hidden.pk, 999999, "abc", ""):
        html = merge(mod_client, [duplicate], apply="1", into=into).content.decode()
        assert "choose a published question" in html or "Choose the question that stays" in html
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.PUBLISHED, None)
