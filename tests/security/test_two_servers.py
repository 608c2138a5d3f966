"""Two gunicorn servers on two ports, as on two machines, sharing PostgreSQL and
Redis (the rate limit across both is in test_rate_limits.py): a vote cast
through one is on the page the other serves, and a page both keep in their
caches is renewed on both. /metrics on either sums its own workers."""

import json
import os
import re

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
from tests.security.test_rate_limits import REDIS_HOST, REDIS_PORT, redis_or_skip

pytestmark = [pytest.mark.once, pytest.mark.postgres, pytest.mark.redis]

# Not test_rate_limits.py's database: the two files may run at once (xdist),
# and each empties its own.
REDIS_DB = int(os.environ.get("MLQA_TEST_REDIS_DB_SERVERS", "12"))
TOKEN = "two-servers-metrics-token"
SEED = """
import json
from allauth.account.models import EmailAddress
from tests.factories import AIAnswerFactory, UserFactory

member = UserFactory(username="voter", password="%(password)s")
EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
answer = AIAnswerFactory()
print(json.dumps({"answer": answer.pk, "question": answer.question_id,
                  "url": answer.question.get_absolute_url()}))
"""
QUIET_RENAME = """
from questions.models import Question
# A change behind the site's back: no write through the site, no page renewed.
Question.objects.filter(pk=%(question)d).update(title="Renamed behind the cache")
"""
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def visitor_page(base: str, url: str) -> tuple[str, int]:
    """The title and the answer's votes a visitor is shown (from the page's QAPage)."""
    response = requests.get(base + url, timeout=10)
    assert response.status_code == 200
    entity = json.loads(LD_JSON.search(response.text)[1])["mainEntity"]
    return entity["name"], entity["suggestedAnswer"][0]["upvoteCount"]


@pytest.mark.django_db(transaction=True)
def test_a_vote_and_a_renewed_page_reach_both_servers(tmp_path):
    redis = redis_or_skip(REDIS_DB)
    redis.flushdb()
    env = production_env(f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}", pages=True)
    env["MLQA_METRICS_TOKEN"] = TOKEN
    env["DATABASE_URL"] = database_url(tmp_path, env)
    seeded = json.loads(
        manage("shell", "-c", SEED % {"password": PASSWORD}, env=env).strip().splitlines()[-1]
    )
    url = seeded["url"]
    try:
        with two_servers(env, tmp_path) as [(one, _), (other, _)]:
            original = visitor_page(one, url)[0]
            assert visitor_page(one, url) == (original, 0)
            assert visitor_page(other, url) == (original, 0)

            manage("shell", "-c", QUIET_RENAME % seeded, env=env)
            # Both serve the page they keep: the quiet change does not show.
            for base in (one, other, one, other):
                assert visitor_page(base, url) == (original, 0)

            cookies = log_in(one, "voter")
            vote = requests.post(
                f"{one}/answers/{seeded['answer']}/vote/",
                data={"value": "up"},
                headers=cookie_headers(cookies, htmx=True),
                timeout=10,
            )
            assert vote.status_code == 200

            # The vote renewed the question's pages on both servers (and so the
            # quiet change shows now too).
            for base in (other, one, other):
                assert visitor_page(base, url) == ("Renamed behind the cache", 1)
            # The member sees their vote on the other server's page.
            member_page = requests.get(other + url, headers=cookie_headers(cookies), timeout=10)
            assert 'class="vote vote-up active"' in member_page.text

            metrics = requests.get(
                other + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
            )
    finally:
        redis.flushdb()
        redis.close()

    assert metrics.status_code == 200
    # The two workers' counts summed: the other server's page views, cache hits.
    [views] = re.findall(
        r'^django_http_requests_latency_seconds_by_view_method_count\{method="GET",'
        r'view="question_detail"\} (\S+)$',
        metrics.text,
        re.M,
    )
    # Five visitor pages and the member's, whichever worker served them.
    assert float(views) == 6
    assert re.search(r'^django_cache_get_hits_total\{backend="redis"\} [1-9]', metrics.text, re.M)
