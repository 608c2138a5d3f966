"""A list for a member is a cached shell around their own parts
(questions/views/list_page.py): it must be the page rendered whole, hold
nothing about any reader, keep its status, and cost the same few queries
however many rows it shows."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from questions import pagecache
from questions.models import Question
from questions.views import list_page
from study import services as study_services
from tests.factories import (
    AIAnswerFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)
from tests.notifications.test_inbox import notify
from tests.questions.test_list_cache import WARM_MEMBER_LIST, toggle_of
from tests.redis_server import closed_port_url
from tests.test_cache import redis_settings

pytestmark = pytest.mark.django_db

ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # the CSRF token, masked anew per request
HTMX = {"HX-Request": "true"}
# A topic's page also reads the topic, and whether the member follows it.
WARM_MEMBER_TOPIC = WARM_MEMBER_LIST + 2
# htmx's results: the same, but on a topic's page the topic without the
# follow button (it is outside the results).
WARM_MEMBER_RESULTS = WARM_MEMBER_LIST


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def topic(db):
    return TopicFactory(name="Regularisation")


@pytest.fixture
def questions(topic):
    made = []
    source = SourceFactory()
    for n in range(3):
        question = QuestionFactory(
            title=f"How does weight decay regularise model {n}?", source=source, topics=[topic]
        )
        AIAnswerFactory(question=question, body=f"It shrinks the weights of model {n}.")
        made.append(question)
    return made


def member(name: str = "") -> Client:
    client = Client()
    client.force_login(UserFactory(**({"display_name": name} if name else {})))
    return client


def masked(response) -> str:
    return ANY_TOKEN.sub("TOKEN", response.content.decode())


def shells() -> list:
    local = caches["pages"]
    return [local.get(key.split(":", 2)[-1]) for key in list(local._cache) if ":lshell:" in key]


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/", {}),
        ("/?q=weight+decay", {}),
        ("/?q=weight&sort=newest", HTMX),
        ("/?difficulty=impossible", {}),
        ("topic", {}),
        ("topic", HTMX),
        ("source", {}),
    ],
)
def test_the_page_from_the_shell_is_the_page_rendered_whole(
    questions, topic, url, headers, monkeypatch
):
    url = {"topic": topic.get_absolute_url(), "source": questions[0].source.get_absolute_url()}.get(
        url, url
    )
    client = member("Ada")
    study_services.toggle_bookmark(user=UserFactory(), question=questions[1])
    client.post(reverse("bookmark_toggle", args=[questions[0].pk]), {"next": "/"})
    client.get("/robots.txt")  # nothing: the flash message of the post goes with the next page
    client.get(reverse("bookmarks"))
    first = client.get(url, headers=headers)  # makes the shell
    assembled = client.get(url, headers=headers)  # from the shell
    assert assembled.status_code == first.status_code
    assert masked(assembled) == masked(first)
    monkeypatch.setattr(list_page.page_shell, "split", lambda *args: None)
    whole = client.get(url, headers=headers)
    assert whole.status_code == assembled.status_code
    assert masked(whole) == masked(assembled)
    html = masked(assembled)
    if headers:
        assert "<html" not in html
    else:
        assert "Log out" in html
        assert "Ada" in html
    if "impossible" not in url:
        assert "Bookmarked" in toggle_of(html, questions[0])
        assert "Bookmarked" not in toggle_of(html, questions[1])


def test_a_member_never_sees_another_members_marks_on_a_list_made_before(questions):
    names = {"Ada Quill", "Bob Marten", "Cy Thorne"}
    ada, bob, cy = member("Ada Quill"), member("Bob Marten"), member("Cy Thorne")
    ada.post(reverse("bookmark_toggle", args=[questions[0].pk]), {"next": "/"})
    bob.post(reverse("bookmark_toggle", args=[questions[2].pk]), {"next": "/"})
    for url, headers in [("/", {}), ("/?q=weight", HTMX), ("/?q=weight", {})]:
        for reader, own, others in [
            (ada, questions[0], questions[2]),
            (bob, questions[2], questions[0]),
            (cy, None, questions[0]),
            (ada, questions[0], questions[2]),
        ]:
            html = reader.get(url, headers=headers).content.decode()
            if own is not None:
                assert "Bookmarked" in toggle_of(html, own)
            assert "Bookmarked" not in toggle_of(html, others)
            assert 'title="Members who bookmarked it">1<' in toggle_of(html, others)
            if not headers:
                name = {ada: "Ada Quill", bob: "Bob Marten", cy: "Cy Thorne"}[reader]
                assert name in html
                assert not any(other in html for other in names - {name})
        visitor = Client().get(url, headers=headers).content.decode()
        assert "csrfmiddlewaretoken" not in visitor
        assert "Bookmarked" not in visitor


def test_the_shell_keeps_nothing_about_a_reader(questions):
    client = member("Ada Lovelace")
    client.post(reverse("bookmark_toggle", args=[questions[0].pk]), {"next": "/"})
    client.get("/")
    client.get("/?q=weight", headers=HTMX)
    kept = shells()
    assert len(kept) == 2
    for shell in kept:
        text = "".join(shell.pieces)
        assert "Ada Lovelace" not in text
        assert "csrfmiddlewaretoken" not in text
        assert "x-csrftoken" not in text
        assert "Bookmarked" not in text
        assert "Log out" not in text
        assert {pk for pk, _, _ in shell.rows} == {question.pk for question in questions}


def test_a_filter_that_is_not_understood_keeps_its_400_and_says_why(
    questions, django_assert_num_queries
):
    client = member()
    url = "/?difficulty=impossible&q=weight"
    for headers in ({}, HTMX, {}):
        response = client.get(url, headers=headers)
        assert response.status_code == 400
        html = response.content.decode()
        if not headers:
            assert "There is no difficulty “impossible”" in html
        assert '<p class="count">3 questions match' in html
    with django_assert_num_queries(WARM_MEMBER_LIST):
        response = client.get(url)
    assert response.status_code == 400
    assert "There is no difficulty “impossible”" in response.content.decode()


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_warm_list_costs_the_same_queries_whatever_its_rows(
    topic, headers, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = member()
    for count in (2, 25):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(count - Question.objects.count()):
                question = QuestionFactory(topics=[topic])
                study_services.toggle_bookmark(user=UserFactory(), question=question)
                pagecache.question_changed(question.pk)  # as the services that add one do
        page, topic_page = (
            (WARM_MEMBER_RESULTS, WARM_MEMBER_RESULTS + 1)
            if headers
            else (WARM_MEMBER_LIST, WARM_MEMBER_TOPIC)
        )
        for url, expected in [
            ("/", page),
            ("/?q=bias+variance", page),
            (topic.get_absolute_url(), topic_page),
        ]:
            client.get(url, headers=headers)
            with django_assert_num_queries(expected):
                response = client.get(url, headers=headers)
            assert response.status_code == 200
            shown = min(count, 20)
            assert response.content.decode().count('class="bookmark-toggle"') == shown


def test_the_header_counts_each_members_own_unread_notifications(questions):
    ada, bob = UserFactory(), UserFactory()
    for read in (False, False, True):
        notify(ada, question=questions[0], read=read)
    notify(bob, question=questions[1])
    for user, unread in [(ada, 2), (bob, 1), (ada, 2), (UserFactory(), 0)]:
        client = Client()
        client.force_login(user)
        for url in ("/", "/?q=weight", "/?q=no+such+words+at+all"):  # the last has no rows
            html = client.get(url).content.decode()
            if unread:
                assert f'<span class="unread-count" id="unread-count">{unread}</span>' in html
            else:
                assert 'id="unread-count"' not in html


def test_a_topic_page_shows_each_member_their_own_follow_button(questions, topic):
    follower, other = member(), member()
    follower.post(reverse("follow_topic", args=[topic.slug]), {"follow": "1"})
    for reader, following in [(follower, True), (other, False), (follower, True)]:
        html = reader.get(topic.get_absolute_url()).content.decode()
        assert ("Unfollow Regularisation" in html) is following
        assert "Follow Regularisation" in html or following


def test_with_the_cache_down_a_members_list_is_still_served(questions, monkeypatch, settings):
    redis_settings(monkeypatch, settings, closed_port_url())
    client = member()
    client.post(reverse("bookmark_toggle", args=[questions[0].pk]), {"next": "/"})
    for url, headers in [("/", {}), ("/", {}), ("/?q=weight", HTMX), ("/?q=weight", {})]:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Bookmarked" in toggle_of(html, questions[0])
        assert "Bookmarked" not in toggle_of(html, questions[1])
