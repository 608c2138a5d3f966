"""What members write comes back exactly as stored, whatever it looks like:
nothing rewrites a response after it is rendered (no token written into it)."""

import re

import pytest
from django.test import Client

from questions import services
from tests.factories import AIAnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

# Text that looks like what a site might substitute: the old placeholder, the
# template tag itself, and a string shaped like a real CSRF token.
LOOKALIKES = [
    "https://evil.example/?t=mlqa-csrf-token-placeholder",
    "mlqa-csrf-token-placeholder",
    "{% csrf_token %}",
    "{{ csrf_token }}",
    "csrfmiddlewaretoken",
    "R8kq2VxN0pLw7TzY4mHc9aBdE1fGsJ3uKoQ5iWnX6rZyP0tLbMvC2hD8eFjA4gSx",
]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def written(db, django_capture_on_commit_callbacks):
    """A question, an answer and comments, each carrying every lookalike."""
    text = "Look: " + " and ".join(f"`{item}` {item}" for item in LOOKALIKES)
    writer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        question = QuestionFactory(body=text)
        question.render()
        question.save()
        answer = AIAnswerFactory(question=question)
        mine = services.answer_question(user=writer, question=question, body=text)
        comments = [
            services.add_comment(author=writer, answer=answer, body=text),
            services.add_comment(author=writer, answer=mine, body=text),
            services.add_comment(author=writer, question=question, body=text),
        ]
    return question, [question.body_html, mine.body_html, *(c.body_html for c in comments)]


def assert_verbatim(html: str, stored: list[str]) -> None:
    for fragment in stored:
        assert fragment in html
        for item in LOOKALIKES[1:]:
            if item.startswith("{"):
                continue
            assert item in fragment  # the markdown kept it whole


@pytest.mark.parametrize("cache_seconds", [0, 300], ids=["uncached", "cached"])
def test_lookalike_text_comes_back_as_written_for_visitors(written, settings, cache_seconds):
    settings.MLQA_PAGE_CACHE_SECONDS = cache_seconds
    question, stored = written
    for _ in range(2):  # the second time from the cache when it is on
        html = Client().get(question.get_absolute_url()).content.decode()
        assert_verbatim(html, stored)
        assert not TOKEN.search(html)


@pytest.mark.parametrize("cache_seconds", [0, 300], ids=["uncached", "cached"])
def test_lookalike_text_comes_back_as_written_for_members(written, settings, cache_seconds):
    settings.MLQA_PAGE_CACHE_SECONDS = cache_seconds
    question, stored = written
    for reader in [UserFactory(), UserFactory()]:
        client = Client()
        client.force_login(reader)
        for _ in range(2):  # cold, then from the cached fragments
            html = client.get(question.get_absolute_url()).content.decode()
            assert_verbatim(html, stored)
            tokens = set(TOKEN.findall(html))
            assert tokens  # the member's forms work
            for token in tokens:
                for fragment in stored:
                    assert token not in fragment
                assert f"?t={token}" not in html
