"""A held lock or a slow query costs a web request a few seconds at most, not a worker.

Web requests run with PostgreSQL's ``statement_timeout`` and ``lock_timeout``
(MLQA_DB_STATEMENT_TIMEOUT_MS, MLQA_DB_LOCK_TIMEOUT_MS); a request that runs
past them gets a 503 "busy, try again" page, and ``/healthz`` keeps answering.
manage.py commands get the (by default absent) limits for commands.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg.errors
import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client, RequestFactory

from mlqa_site.settings.base import postgres_timeouts
from mlqa_site.views import server_error
from tests.factories import QuestionFactory

ROOT = Path(__file__).resolve().parents[2]
LOCK_MS = 300
STATEMENT_MS = 2000
# However the test goes, the lock is gone after this long.
HOLD_AT_MOST = 8.0


@pytest.fixture
def short_timeouts(monkeypatch):
    """The web limits, made small: connections opened from here on get them."""
    options = connection.settings_dict["OPTIONS"]
    monkeypatch.setitem(
        options, "options", postgres_timeouts(statement_ms=STATEMENT_MS, lock_ms=LOCK_MS)
    )
    connection.close()
    yield
    connection.close()  # the next test reconnects with the usual limits


@contextmanager
def table_locked(table: str):
    """Another session holds ``table`` exclusively (a migration, a long admin
    job) until the block ends, or HOLD_AT_MOST seconds at the most."""
    locked, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
                locked.set()
                release.wait(HOLD_AT_MOST)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()
            locked.set()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        assert locked.wait(10), "the lock was not taken within 10 s"
        assert not failures, failures
        yield
    finally:
        release.set()
        holder.join(HOLD_AT_MOST + 5)


def timed(request):
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("short_timeouts")
def test_a_locked_table_is_a_prompt_503_and_healthz_still_answers():
    QuestionFactory(title="What does a held lock do to a page?")
    client = Client()
    assert client.get("/").status_code == 200

    with table_locked("questions_question"):
        page, waited = timed(lambda: client.get("/"))
        fragment, _ = timed(lambda: client.get("/", headers={"HX-Request": "true"}))
        health, health_took = timed(lambda: client.get("/healthz"))

    assert page.status_code == 503
    assert waited < STATEMENT_MS / 1000, f"the list waited {waited:.1f} s for the lock"
    assert page["Retry-After"] == "5"
    text = page.content.decode()
    assert "<h1>Busy, try again</h1>" in text
    assert "Try again in a few seconds." in text

    # htmx gets the one-line message, to show in place, not a whole page.
    assert fragment.status_code == 503
    body = fragment.content.decode().strip()
    assert body.startswith('<p class="inline-error" role="alert">'), body
    assert "<html" not in body

    assert health.status_code == 200
    assert health.content.decode().startswith("database: ok")
    assert health_took < 1.0

    # The lock gone, the page is back.
    assert client.get("/").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db
def test_web_requests_run_with_the_web_limits_and_commands_without():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("5s",)
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone() == ("3s",)

    show = (
        "from django.db import connection\n"
        "cursor = connection.cursor()\n"
        "cursor.execute('SHOW statement_timeout'); print('statement', cursor.fetchone()[0])\n"
        "cursor.execute('SHOW lock_timeout'); print('lock', cursor.fetchone()[0])\n"
    )
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}"
        f"@{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLQA_DB_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "statement 0\nlock 0" in result.stdout


def test_a_timeout_outside_any_view_is_a_503_too():
    """A middleware's query (saving the session, say) that times out reaches
    handler500, which answers 503 for it and 500 for anything else."""
    request = RequestFactory().get("/")
    try:
        try:
            raise psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
        except psycopg.Error as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 500


def test_a_database_that_accepts_but_never_answers_fails_within_the_connect_timeout():
    """An overloaded or half-dead database host: the TCP connection opens (the
    kernel accepts it) but the server never speaks. The process gives up after
    MLQA_DB_CONNECT_TIMEOUT_S instead of hanging on the socket."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLQA_DB_", "DJANGO_"))}
    connect = "from django.db import connection\nconnection.ensure_connection()\n"
    started = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", connect],
            cwd=ROOT,
            env={
                **env,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/mlqa",
                "MLQA_DB_CONNECT_TIMEOUT_S": "2",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        silent.close()
    elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert "timeout expired" in result.stderr
    # Python and Django start-up included; without the limit it waits for minutes.
    assert elapsed < 20
