"""Background work on Django's tasks framework, with retries.

``django.tasks`` runs a task once; ``@retrying`` adds what a worker needs for
mail servers and other things that fail for a while: a try that raises is
recorded as failed (``TryAgainLater``, caused by the real error) and the same
task is queued again after a backoff (30 s, 1 min, 2 min…); after the last try
the real error stays, and the admin lists it as failed for good
(``notifications/admin.py``).

A backend that cannot defer (the immediate backend of the tests) gets no
retry: the first error is the last.
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)


class TryAgainLater(Exception):
    """This try failed and another one is queued; the cause is the real error."""


def retrying(function=None, /, **task_options):
    """``@task`` with retries: ``MLQA_TASK_ATTEMPTS`` tries, the n-th waiting
    ``MLQA_TASK_BACKOFF_SECONDS * 2 ** (n - 2)`` seconds. The task takes one more
    keyword argument, ``attempt`` (1 for the first try)."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception as error:
                attempts = settings.MLQA_TASK_ATTEMPTS
                if attempt >= attempts or not the_task.get_backend().supports_defer:
                    raise
                delay = settings.MLQA_TASK_BACKOFF_SECONDS * 2 ** (attempt - 1)
                later = the_task.using(run_after=timezone.now() + timedelta(seconds=delay))
                later.enqueue(*args, attempt=attempt + 1, **kwargs)
                logger.warning("%s failed (try %d); again in %d s", the_task.name, attempt, delay)
                raise TryAgainLater(
                    f"Try {attempt} of {attempts} failed ({type(error).__name__}: {error}); "
                    f"try {attempt + 1} is queued to run in {delay} s."
                ) from error

        the_task = task(**task_options)(run)
        return the_task

    return decorate(function) if function is not None else decorate
