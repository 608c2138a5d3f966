"""Sentry, switched on by ``SENTRY_DSN`` and off without it.

Personal data stays out of the events: ``send_default_pii=False`` leaves out
cookies, the member's id, e-mail and address, and request bodies; the request
id goes in as a tag (``requestid``) to find the log lines of an event.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration


def init_sentry(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> bool:
    """Start Sentry when ``dsn`` is given; True if it started."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), LoggingIntegration()],
        # Only the exceptions of requests and jobs, and errors logged: no
        # breadcrumbs of SQL text or log lines carrying member data.
        max_breadcrumbs=0,
    )
    return True
