"""The admin writes through the site's services: a comment edited in the admin is
rendered, shown to the next reader and audited like an edit on the site."""

import pytest
from django.urls import reverse

from questions.models import CommentStatus, ModerationAction
from tests.factories import AnswerFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_comment_edited_in_the_admin_goes_through_edit_comment(mod_client, client):
    comment = CommentFactory(answer=AnswerFactory(), author=UserFactory(), body="typo here")
    url = reverse("admin:questions_comment_change", args=[comment.pk])
    assert mod_client.post(url, {"body": "Fixed **here**"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body_html.strip() == "<p>Fixed <strong>here</strong></p>"
    assert ModerationAction.objects.filter(action="edit", target_type="comment").count() == 1
    page = client.get(comment.answer.question.get_absolute_url()).content.decode()
    assert "Fixed <strong>here</strong>" in page


def test_a_hidden_comment_is_read_only_in_the_admin(mod_client):
    comment = CommentFactory(answer=AnswerFactory(), status=CommentStatus.HIDDEN, body="spam")
    url = reverse("admin:questions_comment_change", args=[comment.pk])
    assert 'name="body"' not in mod_client.get(url).content.decode()
    mod_client.post(url, {"body": "changed"})
    comment.refresh_from_db()
    assert comment.body == "spam"
    assert not ModerationAction.objects.filter(target_type="comment").exists()


def test_nobody_adds_a_comment_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:questions_comment_add")).status_code == 403
