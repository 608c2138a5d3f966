"""A member's question page is a cached shell around their own parts: it must be
the page rendered whole, and the one query of their marks must say what the
separate reads said."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from questions import services
from questions.reader_marks import reader_marks
from questions.views import page_shell
from study import selectors as study_selectors
from study.models import InterviewReport
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    ModeratorFactory,
    QuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # the CSRF token, masked anew per request


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def question(django_capture_on_commit_callbacks):
    question = QuestionFactory(title="Why does batch norm help?")
    ai = AIAnswerFactory(question=question, body="It smooths the loss surface.")
    AnswerFactory(question=question, body="It reduces covariate shift, they said.")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(author=UserFactory(), answer=ai, body="Citation needed.")
        services.add_comment(author=UserFactory(), question=question, body="Good one.")
    return question


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    return ANY_TOKEN.sub("TOKEN", response.content.decode())


@pytest.mark.parametrize("who", ["member", "moderator"])
def test_the_assembled_page_is_the_page_rendered_whole(question, who, monkeypatch):
    client = Client()
    client.force_login(UserFactory() if who == "member" else ModeratorFactory())
    url = question.get_absolute_url()
    page(client, url)  # the shell and fragments are cached
    assembled = page(client, url)
    assert "Log out" in assembled
    assert "It smooths the loss surface." in assembled
    monkeypatch.setattr(page_shell, "_shell", lambda request, context: None)
    assert page(client, url) == assembled


def test_a_parameter_the_page_does_not_know_gets_a_shell_of_its_own(question):
    client = Client()
    client.force_login(UserFactory())
    url = question.get_absolute_url()
    assert 'value="zebra"' in page(client, url + "?q=zebra")
    assert 'value="zebra"' not in page(client, url)
    assert 'value="zebra"' not in page(client, url + "?comments=all")


def test_each_member_gets_their_own_name_and_token_around_a_shared_shell(question):
    url = question.get_absolute_url()
    first, second = UserFactory(display_name="Ada"), UserFactory(display_name="Grace")
    tokens = []
    for member in (first, second, first):
        client = Client()
        client.force_login(member)
        html = client.get(url).content.decode()
        assert member.display_name in html
        other = second if member == first else first
        assert other.display_name not in html
        tokens.append(re.search(r'"x-csrftoken": "([^"]+)"', html).group(1))
    assert len(set(tokens)) == 3


def test_one_query_reads_what_the_study_tools_read_apart(question):
    member, other = UserFactory(), UserFactory()
    now = timezone.now()
    reports = [
        (member, 2024, "Acme", False),
        (member, 2021, "", True),  # hidden by a moderator: still the member's own
        (other, now.year, "acme", False),
        (other, 2019, "Initech", False),
        (UserFactory(), 2020, "Zeta Labs", True),
    ]
    for user, year, company, hidden in reports:
        InterviewReport.objects.create(
            user=user, question=question, year=year, company=company, is_hidden=hidden
        )
    InterviewReport.objects.filter(year=2019).update(created_at=now - timedelta(days=800))
    for reader in (member, other, UserFactory()):
        marks = reader_marks(reader, question)
        assert marks.asked == study_selectors.asked_summary(question, reader)
    assert reader_marks(member, question).asked.mine == 2


def test_text_beyond_ascii_comes_back_as_written_in_every_part(
    django_capture_on_commit_callbacks, monkeypatch
):
    """The shell and the answers are kept encoded, the other parts are encoded
    per request: characters of every width come back exactly, where they are."""
    question = QuestionFactory(title="Naïve Bayes — why “naïve”?", body="Assume σ² is known ≥ 0.")
    answer = AIAnswerFactory(question=question, body="Features are independent 🧮 given ŷ.")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(author=UserFactory(), question=question, body="Ça dépend… 日本語")
        services.add_comment(author=UserFactory(), answer=answer, body="Not quite — see Bishop §8.")
    client = Client()
    client.force_login(UserFactory(display_name="Zoë 🦉"))
    url = question.get_absolute_url()
    first, kept = page(client, url), page(client, url)
    assert kept == first
    for text in (
        "Naïve Bayes — why “naïve”?",
        "Assume σ² is known ≥ 0.",
        "Features are independent 🧮 given ŷ.",
        "Ça dépend… 日本語",
        "Not quite — see Bishop §8.",
        "Zoë 🦉",
    ):
        assert text in kept
    monkeypatch.setattr(page_shell, "_shell", lambda request, context: None)
    assert page(client, url) == kept  # rendered whole, as one string
