"""Sending an e-mail that was already rendered, as a background task with
retries (mlqa_site/background.py): the request renders it, the worker sends it."""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from .background import retrying


@retrying
def send_rendered(
    *, subject: str, body: str, from_email: str, to: list[str], alternatives: list, headers: dict
) -> None:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, headers=headers
    )
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    message.send()


def send_later(message) -> None:
    """Queue ``message`` (an EmailMessage) once the current transaction commits."""
    parts = {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "alternatives": [[str(a[0]), a[1]] for a in getattr(message, "alternatives", [])],
        "headers": {k: str(v) for k, v in message.extra_headers.items()},
    }
    transaction.on_commit(lambda: send_rendered.enqueue(**parts), robust=True)
