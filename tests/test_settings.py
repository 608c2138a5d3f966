"""Production settings are safe, and the site's own headers are on."""

import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

# Independent of the database: CI runs it once, with PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parent.parent


# What a production host must say about itself (prod.py refuses to guess).
SERVER = {"ALLOWED_HOSTS": "mlqa.example.org", "DATABASE_URL": "sqlite://:memory:"}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "EMAIL_", "ALLOWED_HOSTS", "DATABASE_URL", "MLQA_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_mode():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        EMAIL_HOST="smtp.example.org", **SERVER,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr


SHOW_MAILER = "from django.conf import settings as s; print(s.MAILERS['default']['BACKEND'])"


def test_production_refuses_to_start_without_a_mail_server():
    """Otherwise sign-ups and password resets fail (or mail vanishes) for everyone."""
    result = manage(
        "shell", "-c", SHOW_MAILER,
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **SERVER,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_HOST" in result.stderr
    assert "DJANGO_EMAIL_CONSOLE=1" in result.stderr


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"EMAIL_HOST": "smtp.example.org"}, "django.core.mail.backends.smtp.EmailBackend"),
        ({"DJANGO_EMAIL_CONSOLE": "1"}, "django.core.mail.backends.console.EmailBackend"),
    ],
)
def test_production_mails_over_smtp_or_to_the_console_when_told_so(env, backend):
    result = manage(
        "shell", "-c", SHOW_MAILER,
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **SERVER, **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == backend


@pytest.mark.parametrize("key", ["", "short-and-weak"])
def test_production_refuses_to_start_without_a_strong_secret_key(key):
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=key, **SERVER)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("missing", ["ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_hosts_or_a_database(missing):
    """The local defaults (localhost, db.sqlite3 in the project folder) would
    otherwise serve a server's traffic from a file nobody backs up."""
    env = {**SERVER, "EMAIL_HOST": "smtp.example.org"}
    del env[missing]
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), **env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_email_verification_is_mandatory_unless_in_local_development():
    show = "from django.conf import settings as s; print(s.ACCOUNT_EMAIL_VERIFICATION)"
    local = manage("shell", "-c", show)
    assert local.stdout.split()[-1] == "optional", local.stderr
    # Production settings chosen by name, even with DJANGO_DEBUG left unset.
    prod = manage(
        "shell", "-c", show, DJANGO_SETTINGS_MODULE="mlqa_site.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50), EMAIL_HOST="smtp.example.org", **SERVER,
    )  # fmt: skip
    assert prod.stdout.split()[-1] == "mandatory", prod.stderr


def test_local_default_is_debug_on_sqlite():
    result = manage(
        "shell", "-c",
        "from django.conf import settings as s; "
        "from django.db import connection; "
        "print(s.DEBUG, connection.vendor, s.SETTINGS_MODULE)",
        DATABASE_URL="",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "True sqlite mlqa_site.settings.dev" in result.stdout


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


class AssetAudit(HTMLParser):
    """Every URL the browser would fetch by itself: scripts, styles, images, icons."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "video", "audio"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in {"stylesheet", "icon", "preload", "manifest"}:
            self.urls.append(attrs["href"])


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_host(client):
    audit = AssetAudit()
    audit.feed(client.get("/").content.decode())
    assert audit.urls, "the page should load its own assets"
    for url in audit.urls:
        assert url.startswith("/static/"), url
    assert any(url.startswith("/static/django_htmx/htmx") for url in audit.urls)


@pytest.mark.django_db
def test_healthz_answers_after_a_database_round_trip(client, django_assert_num_queries):
    from mlqa_site.observability.tasks import database_backends

    # The round trip, the applied migrations read in one query, and the task
    # queue in one more when tasks run from the database.
    with django_assert_num_queries(3 if database_backends() else 2):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text.startswith(
        "database: ok\ncache: ok (this process's memory: no REDIS_URL)\nmigrations: ok\n"
    )
