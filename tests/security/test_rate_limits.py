"""Rate limits hold across processes: two gunicorn workers share the count in Redis.

The site runs as in production (production settings, gunicorn with two
workers, Redis as the cache) on 127.0.0.1. A member logs in through the real
log-in form and fires a burst of votes from several threads at once, so both
workers serve them: exactly the configured number is accepted, every other
vote gets a 429.

The workers need a database they can see: on PostgreSQL the test database
itself (committed data, flushed afterwards), on SQLite a file database this
test creates and migrates.
"""

import json
import os
import re
import secrets
import socket
import string
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database number of its own, so other users of the local Redis are left alone.
REDIS_DB = int(os.environ.get("MLQA_TEST_REDIS_DB", "13"))
PASSWORD = "correct horse battery staple"

SEED = """
import json
from allauth.account.models import EmailAddress
from questions.ratelimit import limits
from tests.factories import AIAnswerFactory, UserFactory

member = UserFactory(username="burst", password="%(password)s")
EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
answer = AIAnswerFactory()
print(json.dumps({"answer": answer.pk, "limit": limits()["vote"]}))
"""


def redis_or_skip():
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT} ({exc})"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run this test")
        pytest.skip(message + "; start redis-server to run it")
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path: Path, env: dict) -> str:
    """A database the gunicorn workers can open, migrated."""
    settings = connection.settings_dict
    if settings["ENGINE"] == "django.db.backends.postgresql":
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        host = f"{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
        return f"postgres://{auth}@{host}/{settings['NAME']}"
    url = f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}"
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


def production_env() -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"))
    }
    return {
        **clean,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SSL_REDIRECT": "0",  # plain HTTP on the loopback
        "DJANGO_EMAIL_CONSOLE": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
        "PYTHONUNBUFFERED": "1",
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


def log_in(base: str) -> dict[str, str]:
    """Log in through the form; the cookies to send (they are Secure, so a
    client would not send them over plain HTTP by itself)."""
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    response = requests.post(
        base + "/accounts/login/",
        data={"login": "burst", "password": PASSWORD},
        headers={"X-CSRFToken": token, "Cookie": f"csrftoken={token}"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:2000]
    session = response.cookies.get("sessionid")
    assert session, "logging in set no session cookie"
    return {"sessionid": session, "csrftoken": token}


def wait_for_a_fresh_window(window: int, needed: float = 15.0) -> None:
    """The limit is a fixed window: start the burst well inside one."""
    left = window - time.time() % window
    if left < needed:
        time.sleep(left + 0.2)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_votes_over_the_limit_get_429_across_two_workers(tmp_path):
    redis = redis_or_skip()
    redis.flushdb()
    env = production_env()
    env["DATABASE_URL"] = database_url(tmp_path, env)
    output = manage("shell", "-c", SEED % {"password": PASSWORD}, env=env)
    seeded = json.loads(output.strip().splitlines()[-1])
    limit, window = seeded["limit"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "mlqa_site.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                "-",
                "--access-logformat",
                "%(p)s %(s)s %(m)s %(U)s",
                "--no-control-socket",  # one per user by default: shared with other servers
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(base, server, log)
        cookies = log_in(base)
        url = f"{base}/answers/{seeded['answer']}/vote/"
        headers = {
            "X-CSRFToken": cookies["csrftoken"],
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "HX-Request": "true",
        }

        def vote(i: int) -> int:
            value = "up" if i % 2 == 0 else "clear"
            return requests.post(
                url, data={"value": value}, headers=headers, timeout=30
            ).status_code

        burst = limit + 15
        wait_for_a_fresh_window(window)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = Counter(pool.map(vote, range(burst)))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        redis.flushdb()
        redis.close()

    assert statuses == {200: limit, 429: burst - limit}, statuses
    served_by = {
        match["pid"]
        for match in re.finditer(r"^<(?P<pid>\d+)> \d+ POST /answers/", log.read_text(), re.M)
    }
    assert len(served_by) == 2, f"not served by both workers:\n{log.read_text()[-3000:]}"
