"""The site served as in production, for the tests that need real processes.

Production settings (``DJANGO_DEBUG=0``), gunicorn with several workers, Redis
as the cache, on 127.0.0.1 over plain HTTP. The workers need a database they
can see: on PostgreSQL the test database itself (committed data, flushed
afterwards, so the test runs with ``transaction=True``), on SQLite a file
database made and migrated here.
"""

import os
import secrets
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


def database_url(tmp_path: Path, env: dict) -> str:
    """A database the gunicorn workers can open, migrated."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        host = f"{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
        return f"postgres://{auth}@{host}/{settings['NAME']}"
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    manage("migrate", "--noinput", env={**env, "DATABASE_URL": url})
    return url


def manage(*args: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def production_env(redis_url: str | None, pages: bool = False) -> dict:
    """The environment of a production server (``redis_url`` None: no Redis, each
    process its own memory cache). ``pages``: static files in plain storage
    (tests/security/production_settings.py), so pages render without
    collectstatic. The caller adds ``DATABASE_URL``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_", "ALLOWED_HOSTS"))
    }
    return {
        **clean,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SSL_REDIRECT": "0",  # plain HTTP on the loopback
        "DJANGO_EMAIL_CONSOLE": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        **({"REDIS_URL": redis_url} if redis_url else {}),
        "PYTHONUNBUFFERED": "1",
        **({"DJANGO_SETTINGS_MODULE": "tests.security.production_settings"} if pages else {}),
    }


def wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still booting
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


@contextmanager
def gunicorn(
    env: dict, port: int, log: Path, workers: int = 2, deploy_config: bool = False
) -> Iterator[str]:
    """Serve the site on 127.0.0.1:``port``; yields its base URL. The access log
    lines read ``<pid> status method path``. ``deploy_config``: with the
    production configuration (deploy/gunicorn.conf.py: threaded workers) but
    for the port and the number of workers."""
    base = f"http://127.0.0.1:{port}"
    config = ["--config", str(ROOT / "deploy" / "gunicorn.conf.py")] if deploy_config else []
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                *config,
                "mlqa_site.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
                "--access-logformat",
                "%(p)s %(s)s %(m)s %(U)s",
                "--no-control-socket",  # one per user by default: shared with other servers
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(base, server, log)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def two_servers(env: dict, tmp_path: Path, workers: int = 2) -> Iterator[list[tuple[str, Path]]]:
    """Two gunicorn servers (``workers`` each) on two ports, as on two machines:
    the same database and Redis, nothing else shared (each its own metrics
    directory). Yields ``[(base URL, access log), ...]``."""
    from tests.redis_server import free_port

    logs = [tmp_path / "gunicorn-a.log", tmp_path / "gunicorn-b.log"]
    envs = []
    for name in ("a", "b"):
        metrics = tmp_path / f"metrics-{name}"
        metrics.mkdir()
        envs.append({**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)})
    with (
        gunicorn(envs[0], free_port(), logs[0], workers) as first,
        gunicorn(envs[1], free_port(), logs[1], workers) as second,
    ):
        yield [(first, logs[0]), (second, logs[1])]


def log_in(base: str, username: str) -> dict[str, str]:
    """Log in through the form; the cookies to send (they are Secure, so a
    client would not send them over plain HTTP by itself)."""
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    response = requests.post(
        base + "/accounts/login/",
        data={"login": username, "password": PASSWORD},
        headers={"X-CSRFToken": token, "Cookie": f"csrftoken={token}"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:2000]
    session = response.cookies.get("sessionid")
    assert session, "logging in set no session cookie"
    return {"sessionid": session, "csrftoken": token}


def cookie_headers(cookies: dict[str, str], htmx: bool = False) -> dict[str, str]:
    """The headers a logged-in member's browser sends (with htmx's, if asked)."""
    headers = {
        "X-CSRFToken": cookies["csrftoken"],
        "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
    }
    if htmx:
        headers["HX-Request"] = "true"
    return headers
