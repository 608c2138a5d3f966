"""The shared cache fails open (mlqa_site/cache.py): Redis stopped, frozen or
unreachable is a miss, never a 500 and never a long wait.

Most tests point the cache at a closed port or at a socket that accepts
connections and never answers (what a frozen Redis looks like from outside);
those that need Redis to come back start a redis-server of their own. The
settings are the ones base.py makes for a ``REDIS_URL``, as in production.
"""

import logging
import runpy
import socket
import time
from pathlib import Path

import pytest
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse

from mlqa_site.cache import FailOpenRedisCache
from questions import ratelimit
from tests.factories import AIAnswerFactory, QuestionFactory, UserFactory
from tests.redis_server import RedisServer, closed_port_url

BASE_SETTINGS = Path(django_settings.BASE_DIR) / "mlqa_site" / "settings" / "base.py"
HTMX = {"HX-Request": "true"}


def redis_settings(monkeypatch, settings, url: str, **env: str) -> None:
    """Use the cache, sessions and page cache that base.py sets up for this REDIS_URL."""
    for name, value in {"REDIS_URL": url, **env}.items():
        monkeypatch.setenv(name, value)
    made = runpy.run_path(str(BASE_SETTINGS))
    settings.CACHES = made["CACHES"]
    settings.SESSION_ENGINE = made["SESSION_ENGINE"]
    settings.MLQA_PAGE_CACHE_SECONDS = made["MLQA_PAGE_CACHE_SECONDS"]
    settings.MLQA_USER_CACHE_SECONDS = made["MLQA_USER_CACHE_SECONDS"]
    assert settings.MLQA_PAGE_CACHE_SECONDS > 0
    assert settings.MLQA_USER_CACHE_SECONDS > 0


@pytest.fixture
def unreachable(monkeypatch, settings):
    redis_settings(monkeypatch, settings, closed_port_url())


@pytest.fixture
def silent_server():
    """Accepts connections (the kernel does, up to the backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        yield f"redis://127.0.0.1:{sock.getsockname()[1]}/0"


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def backend(url: str, retry_after: float = 5, **options) -> FailOpenRedisCache:
    return FailOpenRedisCache(
        url,
        {
            "OPTIONS": {
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.3,
                "RETRY_AFTER": retry_after,
                **options,
            }
        },
    )


def timed(action):
    start = time.monotonic()
    result = action()
    return result, time.monotonic() - start


# --- The site with Redis unreachable -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("unreachable")
def test_with_redis_unreachable_visitors_and_members_are_served_and_votes_count():
    question = QuestionFactory(title="Why can validation loss sit below training loss?")
    answer = AIAnswerFactory(question=question)
    # The list, a search and the question page.
    pages = [reverse("home"), reverse("home") + "?q=validation", question.get_absolute_url()]

    visitor = Client()
    for url in pages:
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert question.get_absolute_url() in response.content.decode()  # searched: highlighted

    member = Client()
    member.force_login(UserFactory())
    for url in pages:
        response = member.get(url)
        assert response.status_code == 200, url
        assert "Log out" in response.content.decode()
    response = member.post(reverse("vote", args=[answer.pk]), {"value": "up"}, headers=HTMX)
    assert response.status_code == 200
    answer.refresh_from_db()
    assert answer.score == 1
    # The question page shows the vote at once: nothing stale is served from a cache.
    assert 'class="vote vote-up active"' in member.get(question.get_absolute_url()).text

    health = Client().get("/healthz")
    assert health.status_code == 200
    assert health.text.splitlines()[0] == "database: ok"
    assert health.text.splitlines()[1].startswith("cache: degraded (")


def test_with_redis_unreachable_every_operation_is_a_quick_miss():
    cache = backend(closed_port_url())

    def everything():
        assert cache.get("a", "default") == "default"
        cache.set("a", 1)
        assert cache.add("b", 2) is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
        assert cache.has_key("a") is False
        assert cache.touch("a") is False
        assert cache.delete("a") is False
        cache.delete_many(["a", "b"])
        assert cache.get_or_set("c", "fresh") == "fresh"
        with pytest.raises(ValueError, match="not found"):
            cache.incr("a")  # as for a key that expired
        assert cache.clear() is False

    _, seconds = timed(everything)
    assert seconds < 0.5


def test_a_frozen_redis_costs_one_timeout_then_nothing_until_the_retry(silent_server):
    cache = backend(silent_server, retry_after=1)
    first, seconds = timed(lambda: cache.get("a", "miss"))
    assert first == "miss"
    assert 0.25 < seconds < 0.9  # the read timeout, once
    _, seconds = timed(lambda: [cache.get(f"k{i}") for i in range(50)])
    assert seconds < 0.05  # the breaker is open: Redis is not asked
    time.sleep(1.1)
    _, seconds = timed(lambda: cache.set("a", 1))
    assert 0.25 < seconds < 0.9  # tried again, once
    _, seconds = timed(lambda: cache.get("a"))
    assert seconds < 0.05


def test_an_outage_is_logged_once_not_per_request(caplog):
    cache = backend(closed_port_url(), retry_after=0)  # every operation tries Redis
    with caplog.at_level(logging.WARNING, logger="mlqa_site.cache"):
        for _ in range(100):
            cache.get("a")
    assert len(caplog.records) == 1
    assert "Redis cache unavailable" in caplog.records[0].getMessage()


# --- Rate limits while Redis is unreachable: per process, neither none nor all ----------


@pytest.mark.django_db
@pytest.mark.usefixtures("unreachable")
def test_our_rate_limit_counts_in_the_process_while_redis_is_unreachable(settings):
    settings.MLQA_RATE_LIMITS = {"vote": (3, 86400)}
    member, other = UserFactory(), UserFactory()
    for _ in range(3):
        ratelimit.check(member, "vote")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check(member, "vote")
    ratelimit.check(other, "vote")  # another member is not refused


@pytest.mark.django_db
@pytest.mark.usefixtures("unreachable")
def test_allauths_rate_limit_counts_in_the_process_while_redis_is_unreachable():
    def attempt(address: str) -> bool:
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)
        usage = allauth_ratelimit.consume(
            request, app="allauth.account", action="login", config={"login": "3/m/ip"}
        )
        return usage is not None

    allowed, seconds = timed(lambda: [attempt("192.0.2.1") for _ in range(4)])
    assert allowed == [True, True, True, False]
    assert attempt("192.0.2.2")  # another address is not refused
    assert seconds < 0.5  # allauth found its lock free: it did not wait for it


# --- With a Redis that works, then goes away and comes back ---------------------------


@pytest.mark.redis
def test_add_incr_and_the_rate_limit_keep_their_meaning_while_redis_answers(own_redis):
    cache = backend(own_redis.url, LOCAL_FALLBACK=["ratelimit:"])
    assert cache.add("ratelimit:x", 0) is True
    assert cache.add("ratelimit:x", 5) is False
    assert [cache.incr("ratelimit:x") for _ in range(3)] == [1, 2, 3]
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")
    cache.set_many({"a": 1, "b": {"c": 2}})
    assert cache.get_many(["a", "b", "z"]) == {"a": 1, "b": {"c": 2}}
    # Counted in Redis, where every process sees it: not in this process's fallback.
    other_process = backend(own_redis.url)
    assert other_process.get("ratelimit:x") == 3
    assert cache.status() == "ok"


@pytest.mark.redis
@pytest.mark.django_db
def test_members_stay_logged_in_and_can_log_in_while_redis_is_stopped(
    monkeypatch, settings, own_redis
):
    redis_settings(monkeypatch, settings, own_redis.url)
    question = QuestionFactory()
    before = Client()
    before.force_login(UserFactory(username="before"))
    assert "Log out" in before.get(question.get_absolute_url()).text

    UserFactory(username="during")
    own_redis.stop()
    assert "Log out" in before.get(question.get_absolute_url()).text
    during = Client()
    response = during.post(
        reverse("account_login"), {"login": "during", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302, response.text[:2000]
    assert "Log out" in during.get(question.get_absolute_url()).text


@pytest.mark.redis
@pytest.mark.django_db
def test_a_log_out_while_redis_is_frozen_holds_once_it_comes_back(monkeypatch, settings, own_redis):
    redis_settings(monkeypatch, settings, own_redis.url, REDIS_RETRY_SECONDS="3")
    question = QuestionFactory()
    member = Client()
    member.force_login(UserFactory())
    assert "Log out" in member.get(question.get_absolute_url()).text  # cached in Redis
    cookie = member.cookies[settings.SESSION_COOKIE_NAME].value

    own_redis.freeze()
    try:
        _, seconds = timed(lambda: member.get(question.get_absolute_url()))
        assert seconds < 2
        member.post(reverse("account_logout"))
    finally:
        own_redis.thaw()
    time.sleep(3.2)  # the breaker lets Redis be tried again

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    page = thief.get(question.get_absolute_url()).text
    assert "Log out" not in page, "the session that was ended came back from Redis"


@pytest.mark.redis
def test_values_written_while_redis_was_frozen_are_not_read_back_stale(own_redis):
    cache = backend(own_redis.url, retry_after=0.5)
    cache.set_many({"generation": "old", "session": "logged in"})
    own_redis.freeze()
    try:
        assert cache.get("anything") is None  # times out: the breaker opens
        cache.set("generation", "new")  # dropped: Redis is not asked
        cache.delete("session")
    finally:
        own_redis.thaw()
    time.sleep(0.6)
    assert cache.get("generation") is None  # not "old": the next read rebuilds it
    assert cache.get("session") is None
    cache.set("generation", "newer")
    assert cache.get("generation") == "newer"


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_reports_the_cache_and_stays_fast_and_200(monkeypatch, settings, own_redis):
    redis_settings(monkeypatch, settings, own_redis.url)
    assert Client().get("/healthz").text == "database: ok\ncache: ok\nmigrations: ok\n"

    own_redis.freeze()
    try:
        response, seconds = timed(lambda: Client().get("/healthz"))
    finally:
        own_redis.thaw()
    assert seconds < 1.5
    assert response.status_code == 200
    assert "cache: degraded (unavailable for 0 s: TimeoutError" in response.text

    own_redis.stop()
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert "cache: degraded (" in response.text


@pytest.mark.redis
def test_a_lock_taken_while_redis_was_away_is_released_after_it_comes_back(own_redis):
    """allauth takes a lock (``add``), works, and releases it (``delete``): Redis
    coming back in between must not leave the lock held in this process."""
    cache = backend(own_redis.url, retry_after=0.2, LOCAL_FALLBACK=["allauth:rl:"])
    own_redis.stop()
    assert cache.add("allauth:rl:login:lock", True, timeout=10) is True  # held here
    own_redis.start()
    time.sleep(0.3)
    assert cache.delete("allauth:rl:login:lock") is False  # Redis answers: it had none
    own_redis.stop()
    time.sleep(0.3)
    assert cache.add("allauth:rl:login:lock", True, timeout=10) is True  # free again
