"""Rate limits hold across processes and servers: they share the count in Redis.

The site runs as in production (production settings, two gunicorn servers on
two ports, as on two machines, two workers each, Redis as the cache) on
127.0.0.1. A member logs in through the real log-in form and fires a burst of
votes from several threads at once, half to each server, so every worker
serves some: exactly the configured number is accepted, every other vote gets
a 429.

The workers need a database they can see: on PostgreSQL the test database
itself (committed data, flushed afterwards), on SQLite a file database this
test creates and migrates.
"""

import json
import os
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.security.servers import (
    PASSWORD,
    cookie_headers,
    database_url,
    log_in,
    manage,
    production_env,
    two_servers,
)

# Independent of the database: CI runs it once, with PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.once

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database number of its own, so other users of the local Redis are left alone.
REDIS_DB = int(os.environ.get("MLQA_TEST_REDIS_DB", "13"))

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


def redis_or_skip(db: int = REDIS_DB):
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT} ({exc})"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run this test")
        pytest.skip(message + "; start redis-server to run it")
    return client


def wait_for_a_fresh_window(window: int, needed: float = 15.0) -> None:
    """The limit is a fixed window: start the burst well inside one."""
    left = window - time.time() % window
    if left < needed:
        time.sleep(left + 0.2)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_votes_over_the_limit_get_429_across_two_servers(tmp_path):
    redis = redis_or_skip()
    redis.flushdb()
    env = production_env(f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}")
    env["DATABASE_URL"] = database_url(tmp_path, env)
    output = manage("shell", "-c", SEED % {"password": PASSWORD}, env=env)
    seeded = json.loads(output.strip().splitlines()[-1])
    limit, window = seeded["limit"]
    try:
        with two_servers(env, tmp_path) as servers:
            cookies = log_in(servers[0][0], "burst")
            headers = cookie_headers(cookies, htmx=True)

            def vote(i: int) -> int:
                base = servers[i % 2][0]
                value = "up" if i % 4 < 2 else "clear"
                return requests.post(
                    f"{base}/answers/{seeded['answer']}/vote/",
                    data={"value": value},
                    headers=headers,
                    timeout=30,
                ).status_code

            burst = limit + 15
            wait_for_a_fresh_window(window)
            with ThreadPoolExecutor(max_workers=8) as pool:
                statuses = Counter(pool.map(vote, range(burst)))
    finally:
        redis.flushdb()
        redis.close()

    assert statuses == {200: limit, 429: burst - limit}, statuses
    for _, log in servers:
        served_by = set(re.findall(r"<(\d+)> \d+ POST /answers/", log.read_text()))
        assert served_by, f"not served by this server:\n{log.read_text()[-3000:]}"
