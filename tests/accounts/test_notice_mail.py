"""Notices nobody waits for (password changed…) go out from the background
worker, after the change commits; mail a member waits for stays in the request."""

from django.core import mail
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

PASSWORD = "correct horse battery staple"
NEW = "an entirely new passphrase 42"


def change_password(client, member):
    client.force_login(member)
    return client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW},
    )


def test_the_password_changed_notice_is_a_background_task(
    client, member, django_capture_on_commit_callbacks
):
    with (
        override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert change_password(client, member).status_code == 302
    assert mail.outbox == []  # not sent in the request
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "mlqa_site.mail_tasks.send_rendered"
    assert queued.args_kwargs["kwargs"]["to"] == [member.email]
    queued.task.call(**queued.args_kwargs["kwargs"])  # what the worker does
    (notice,) = mail.outbox
    assert notice.to == [member.email]
    assert "password" in notice.subject.lower()


def test_with_the_immediate_backend_the_notice_arrives(
    client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        change_password(client, member)
    assert len(mail.outbox) == 1
