"""Reading the links allauth mails out of Django's test outbox, and mail servers
that fail."""

import re
from smtplib import SMTPException

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend


def link_in_last_mail(to: str, kind: str) -> str:
    """The site path of the /accounts/<kind>/… link in the newest mail to ``to``."""
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no mail to {to}; outbox: {[m.to for m in mail.outbox]}"
    body = messages[-1].body
    match = re.search(rf"https?://[^/\s]+(/accounts/{kind}/\S+)", body)
    assert match, f"no /accounts/{kind}/ link in:\n{body}"
    return match.group(1)


class BrokenMailServer(BaseEmailBackend):
    """A mail backend whose server is down: every send raises ``error``."""

    error: Exception = ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        raise self.error


class RefusingMailServer(BrokenMailServer):
    """A server that answers, then refuses the message."""

    error = SMTPException("451 Temporary local problem")
