"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL is set."""

from .dev import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Tasks run at once, in the request, where a test looks at their result. The
# worker's test (tests/notifications/test_worker.py) starts `db_worker` with
# MLQA_TASKS_BACKEND set, and mail written to files it can read.
if not env_str("MLQA_TASKS_BACKEND"):  # noqa: F405
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
if env_str("MLQA_TEST_MAIL_DIR"):  # noqa: F405
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": env_str("MLQA_TEST_MAIL_DIR")},  # noqa: F405
        }
    }
# SQLite's test database is in memory (Django's default). Said outright because
# pytest-django recognises SQLite by Django's own engine name only, and would
# otherwise rename django-prometheus's (base.py) into a file path per xdist worker.
if DATABASES["default"]["ENGINE"].endswith(".sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
