"""The test settings with tasks run from the database (django-tasks-db, the
site's default backend outside tests), for the tests of what operations see of
the queue."""

from mlqa_site.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MLQA_METRICS_TOKEN = "metrics-token-for-the-test"
