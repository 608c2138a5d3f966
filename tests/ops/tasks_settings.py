"""The test settings with tasks run from the database (django-tasks-db), for the
tests of what operations see of the queue before the site itself uses tasks."""

from mlqa_site.settings.test import *  # noqa: F403
from mlqa_site.settings.test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MLQA_METRICS_TOKEN = "metrics-token-for-the-test"
