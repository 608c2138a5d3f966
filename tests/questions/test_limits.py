"""Length limits come from the model fields: what the form takes, the database keeps."""

import pytest
from django.urls import reverse

from questions import forms
from questions.models import AnswerRevision, Comment, Flag, Proposal, Question
from tests.factories import AIAnswerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("form", "field", "model", "model_field"),
    [
        (forms.CommentForm, "body", Comment, "body"),
        (forms.ProposalForm, "reason", Proposal, "reason"),
        (forms.AnswerEditForm, "summary", AnswerRevision, "summary"),
        (forms.FlagForm, "note", Flag, "note"),
        (forms.QuestionForm, "title", Question, "title"),
    ],
)
def test_each_form_field_takes_what_its_model_field_keeps(form, field, model, model_field):
    limit = model._meta.get_field(model_field).max_length
    assert form.base_fields[field].max_length == limit


def test_a_comment_as_long_as_the_model_allows_is_kept(client, member):
    ai_answer = AIAnswerFactory()
    client.force_login(member)
    body = "x" * Comment._meta.get_field("body").max_length
    url = reverse("answer_comments", args=[ai_answer.pk])
    assert client.post(url, {"body": body}).status_code == 302
    assert Comment.objects.get().body == body
