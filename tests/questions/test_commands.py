from io import StringIO

import pytest
from django.core.management import call_command

from questions.models import Answer, Comment, Question
from tests.factories import AIAnswerFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_rerender_markdown_refreshes_stale_html_only():
    answer = AIAnswerFactory(body="Use $x^2$ here.")
    comment = CommentFactory(answer=answer, body="**ok**")
    Answer.objects.filter(pk=answer.pk).update(body_html="<p>old pipeline</p>")
    Question.objects.filter(pk=answer.question_id).update(slug="stale")

    out = StringIO()
    call_command("rerender_markdown", stdout=out)

    answer.refresh_from_db()
    assert "<math" in answer.body_html
    assert Question.objects.get(pk=answer.question_id).slug != "stale"
    assert Comment.objects.get(pk=comment.pk).body_html == "<p><strong>ok</strong></p>\n"
    assert "answers: 1 re-rendered" in out.getvalue()
    assert "comments: 0 re-rendered" in out.getvalue()


def test_rerender_markdown_in_the_background_waits_for_the_worker(settings):
    from django_tasks_db.models import DBTaskResult

    answer = AIAnswerFactory(body="Use $x^2$ here.")
    Answer.objects.filter(pk=answer.pk).update(body_html="<p>old pipeline</p>")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = StringIO()
    call_command("rerender_markdown", "--background", stdout=out)
    assert "Queued the re-rendering" in out.getvalue()
    assert Answer.objects.get(pk=answer.pk).body_html == "<p>old pipeline</p>"  # not yet
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "questions.tasks.rerender_markdown"
    assert queued.task.call()["answers"] == 1  # what the worker runs
    assert "<math" in Answer.objects.get(pk=answer.pk).body_html


def test_rebuild_search_index_makes_old_rows_searchable(client):
    answer = AIAnswerFactory(body="Gradient clipping bounds the update norm.")
    Question.objects.update(search_vector=None)
    call_command("rebuild_search_index", stdout=StringIO())
    html = client.get("/", {"q": "clipping"}).content.decode()
    assert answer.question.get_absolute_url() in html


@pytest.mark.postgres
def test_rebuild_search_index_in_the_background(client, settings):
    from django_tasks_db.models import DBTaskResult

    answer = AIAnswerFactory(body="Label smoothing softens the one-hot targets.")
    Question.objects.update(search_vector=None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = StringIO()
    call_command("rebuild_search_index", "--background", stdout=out)
    assert "Queued the rebuild" in out.getvalue()
    assert (
        answer.question.get_absolute_url()
        not in client.get("/", {"q": "smoothing"}).content.decode()
    )
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "questions.tasks.rebuild_search_index"
    assert queued.task.call() == 1  # what the worker runs
    html = client.get("/", {"q": "smoothing"}).content.decode()
    assert answer.question.get_absolute_url() in html
