"""Reading the links allauth mails out of Django's test outbox."""

import re

from django.core import mail


def link_in_last_mail(to: str, kind: str) -> str:
    """The site path of the /accounts/<kind>/… link in the newest mail to ``to``."""
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no mail to {to}; outbox: {[m.to for m in mail.outbox]}"
    body = messages[-1].body
    match = re.search(rf"https?://[^/\s]+(/accounts/{kind}/\S+)", body)
    assert match, f"no /accounts/{kind}/ link in:\n{body}"
    return match.group(1)
