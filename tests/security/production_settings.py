"""The production settings, but for static files kept in plain storage: the tests
that serve pages through gunicorn do not run collectstatic (its manifest is what
the production storage looks file names up in). Nothing else differs."""

from mlqa_site.settings.prod import *  # noqa: F403
from mlqa_site.settings.prod import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
