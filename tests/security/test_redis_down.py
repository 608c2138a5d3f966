"""Redis stopped or frozen: the site keeps serving, a little slower, and counts every vote.

The site runs as in production (tests/security/servers.py: production settings,
two of deploy/gunicorn.conf.py's threaded workers) with a Redis of the test's
own (tests/redis_server.py). Visitors and members first load the pages while
Redis answers, so it holds cached pages and sessions. Then Redis is stopped (connections refused) or
frozen (SIGSTOP: connections accepted and never answered, the worse case).
Every page still answers 200 within 2 s, members who were logged in stay so,
others log in, and N votes from N members make a score of exactly N. A frozen
Redis that comes back serves no page from before the votes.
"""

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.redis_server import RedisServer, free_port
from tests.security.servers import (
    PASSWORD,
    cookie_headers,
    database_url,
    gunicorn,
    log_in,
    manage,
    production_env,
)

# Independent of the database: CI runs it once, with PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.once

MEMBERS = 6
RETRY_SECONDS = 5  # the default of REDIS_RETRY_SECONDS
SEED = """
import json
from allauth.account.models import EmailAddress
from tests.factories import AIAnswerFactory, QuestionFactory, UserFactory

question = QuestionFactory(title="Why can validation loss sit below training loss?")
answer = AIAnswerFactory(question=question)
for i in range(%(members)d):
    member = UserFactory(username=f"voter{i}", password="%(password)s")
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
print(json.dumps({"question": question.get_absolute_url(), "answer": answer.pk}))
"""
SCORE = """
from questions.models import Answer
answer = Answer.objects.get(pk=%d)
print(answer.score, answer.upvotes)
"""


def within_2_seconds(method: str, url: str, **kwargs) -> requests.Response:
    start = time.monotonic()
    response = requests.request(method, url, timeout=30, allow_redirects=False, **kwargs)
    seconds = time.monotonic() - start
    assert response.status_code == 200, f"{method} {url}: {response.status_code}"
    assert seconds < 2, f"{method} {url} took {seconds:.1f} s"
    return response


def visit(url: str, cookies: dict | None = None) -> str:
    headers = cookie_headers(cookies) if cookies else {}
    html = within_2_seconds("GET", url, headers=headers).text
    assert ("Log out" in html) == bool(cookies), "a member logged out, or a visitor logged in"
    return html


def probe_every_worker(base: str, log_path, since: int) -> None:
    """Health checks, as a load balancer sends them, until both workers have
    answered one (after byte ``since`` of the access log)."""
    for _ in range(10):
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda _: requests.get(base + "/healthz", timeout=10), range(8)))
        served_by = set(re.findall(r"<(\d+)> 200 GET /healthz", log_path.read_text()[since:]))
        if len(served_by) == 2:
            return
    pytest.fail("the health checks did not reach both workers")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", ["stopped", "frozen"])
def test_without_redis_pages_answer_within_2_s_and_votes_count_exactly(tmp_path, fault):
    redis = RedisServer(tmp_path)
    redis.start()
    try:
        env = production_env(redis.url, pages=True)
        env["DATABASE_URL"] = database_url(tmp_path, env)
        output = manage("shell", "-c", SEED % {"members": MEMBERS, "password": PASSWORD}, env=env)
        seeded = json.loads(output.strip().splitlines()[-1])
        log = tmp_path / "gunicorn.log"
        with gunicorn(env, free_port(), log, deploy_config=True) as base:
            pages = [base + "/", base + seeded["question"]]
            before = [log_in(base, f"voter{i}") for i in range(MEMBERS // 2)]
            for url in pages:
                for _ in range(3):
                    visit(url)  # now cached whole in Redis
                for cookies in before:
                    visit(url, cookies)
            assert 'aria-label="Score 0"' in visit(pages[1])

            if fault == "stopped":
                redis.stop()
            else:
                redis.freeze()
            for url in pages:
                for _ in range(4):
                    visit(url)
                for cookies in before:
                    visit(url, cookies)
            during = [log_in(base, f"voter{i}") for i in range(MEMBERS // 2, MEMBERS)]
            vote_url = f"{base}/answers/{seeded['answer']}/vote/"
            for cookies in before + during:
                within_2_seconds(
                    "POST", vote_url, data={"value": "up"}, headers=cookie_headers(cookies, True)
                )
            for cookies in during:
                visit(pages[1], cookies)
            assert f'aria-label="Score {MEMBERS}"' in visit(pages[1])

            if fault == "frozen":
                redis.thaw()
                time.sleep(RETRY_SECONDS + 0.5)  # each worker may try Redis again
                probe_every_worker(base, log, since=len(log.read_text()))
                for _ in range(4):
                    assert f'aria-label="Score {MEMBERS}"' in visit(pages[1]), "a stale page"
                for cookies in before + during:
                    visit(pages[1], cookies)

        output = manage("shell", "-c", SCORE % seeded["answer"], env=env)
        score, upvotes = output.strip().splitlines()[-1].split()
        assert (int(score), int(upvotes)) == (MEMBERS, MEMBERS)
        errors = [line for line in log.read_text().splitlines() if " 500 " in line]
        assert not errors, errors
    finally:
        redis.stop()
