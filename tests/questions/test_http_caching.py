"""Visitors' pages carry validators (ETag, Last-Modified) and may be kept by a
browser or a proxy; members' pages are private. Every write that changes what a
visitor sees changes the ETag."""

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse

from questions import pagecache, services
from tests.factories import AIAnswerFactory, ModeratorFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 300
    settings.MLQA_PUBLIC_MAX_AGE = 5
    settings.MLQA_PUBLIC_S_MAXAGE = 30


@pytest.fixture
def page(db):
    question = QuestionFactory(title="Why can validation loss sit below training loss?")
    return question, AIAnswerFactory(question=question, body="Because the model overfits.")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def etag(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response["ETag"]


@pytest.mark.parametrize("where", ["question", "list", "topic"])
def test_a_visitors_page_is_public_with_validators_and_answers_304(page, where):
    question, _ = page
    url = {
        "question": question.get_absolute_url(),
        "list": reverse("home"),
        "topic": reverse("topic_index"),
    }[where]
    first = Client().get(url)
    assert first.status_code == 200
    assert directives(first) == {"public", "max-age=5", "s-maxage=30"}
    assert {"Cookie", "HX-Request"} <= {v.strip() for v in first["Vary"].split(",")}
    assert first["ETag"].startswith('W/"')
    assert first["Last-Modified"].endswith("GMT")
    # The same for every visitor: no token, no cookie.
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies

    again = Client().get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "public" in directives(again)
    since = Client().get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    # Another tag (an older version of the page) gets the page.
    other = Client().get(url, headers={"If-None-Match": 'W/"0123"'})
    assert other.status_code == 200
    assert other.content == first.content


def test_the_htmx_fragment_has_its_own_etag(page):
    plain = Client().get("/")
    fragment = Client().get("/", headers={"HX-Request": "true"})
    assert plain["ETag"] != fragment["ETag"]
    stale = Client().get("/", headers={"HX-Request": "true", "If-None-Match": plain["ETag"]})
    assert stale.status_code == 200
    assert "<html" not in stale.content.decode()


def test_members_pages_are_private_and_never_304(page):
    question, _ = page
    visitor_tag = etag(question.get_absolute_url())
    client = Client()
    client.force_login(UserFactory())
    for url in [question.get_absolute_url(), reverse("home"), reverse("home") + "?q=loss"]:
        response = client.get(url, headers={"If-None-Match": visitor_tag})
        assert response.status_code == 200
        assert "private" in directives(response)
        assert "public" not in directives(response)
        assert "ETag" not in response
        assert "Cookie" in response["Vary"]


def test_a_visitor_with_a_flash_message_gets_a_private_page(page, client):
    client.force_login(UserFactory())
    client.post("/accounts/logout/")
    response = client.get("/")
    assert "You have signed out" in response.content.decode()
    assert "private" in directives(response)


def test_without_the_page_cache_visitors_pages_are_private(page, settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 0
    question, _ = page
    response = Client().get(question.get_absolute_url())
    assert "private" in directives(response)
    assert "ETag" not in response


def test_the_etag_changes_after_each_write_a_visitor_sees(page, commit):
    question, answer = page
    url = question.get_absolute_url()
    member, other, moderator = UserFactory(display_name="Ada"), UserFactory(), ModeratorFactory()
    tags = [etag(url)]

    def changed_after(write) -> None:
        commit(write)
        tags.append(etag(url))
        assert tags[-1] != tags[-2]
        assert Client().get(url, headers={"If-None-Match": tags[-2]}).status_code == 200
        assert Client().get(url, headers={"If-None-Match": tags[-1]}).status_code == 304

    assert etag(url) == tags[0]  # nothing written: the same tag
    changed_after(lambda: services.cast_vote(user=member, answer=answer, choice="up"))
    own = commit(lambda: services.answer_question(user=member, question=question, body="Mine."))
    tags.append(etag(url))
    assert tags[-1] != tags[-2]
    changed_after(lambda: services.add_comment(author=other, answer=answer, body="Not so."))
    proposal = commit(
        lambda: services.propose_answer(
            user=other, answer=own, body="Mine, but better.", reason="Clearer."
        )
    )
    tags.append(etag(url))
    changed_after(lambda: services.reject_proposal(user=member, proposal=proposal))
    changed_after(lambda: services.hide(moderator=moderator, target=own))
    client = Client()
    client.force_login(other)
    changed_after(lambda: client.post("/settings/", {"display_name": "Grace", "bio": ""}))
    assert len(set(tags)) == len(tags)


def test_a_visitors_list_does_not_follow_every_vote(page, commit):
    question, answer = page
    list_tag = etag("/")
    page_tag = etag(question.get_absolute_url())
    commit(lambda: services.cast_vote(user=UserFactory(), answer=answer, choice="up"))
    assert etag(question.get_absolute_url()) != page_tag
    # The list's numbers follow within MLQA_LIST_CACHE_SECONDS (test_pagecache).
    assert etag("/") == list_tag
    commit(lambda: services.answer_question(user=UserFactory(), question=question, body="New."))
    assert etag("/") != list_tag


def test_a_page_that_uses_a_csrf_token_is_never_shared(db):
    """A guard for a future template: a visitor's page that asks for a token
    (or sets a cookie) is the visitor's own, not everyone's."""
    calls = []

    @pagecache.for_visitors(params=())
    def view(request):
        calls.append(request)
        return HttpResponse(f"token {get_token(request)}")

    for _ in range(2):
        response = view(RequestFactory().get("/somewhere/"))
        assert "private" in directives(response)
        assert "ETag" not in response
    assert len(calls) == 2  # never served from the cache
