"""A visitor's post to any member action ends at the log-in page and comes back after it.

The member actions are found by walking the URL configuration (the same walk the
security tests use), not listed by hand: every route of MLQA's own views that
takes a POST is a member action. Routes that refuse a POST (405: pages, feeds,
fragments) only read, and the other apps' routes (allauth's log-in and sign-up,
the admin, the sitemap) look after themselves.

Where a visitor comes back to is ``member_required``'s documented choice: for a
plain form, the page it was posted from (the Referer); for htmx, the page named
in HX-Current-URL, reached through an ``HX-Redirect``; with neither, the home page.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from questions.models import Comment, Vote
from study.models import Bookmark
from tests.factories import QuestionFactory
from tests.security.conftest import pk_model, snapshot
from tests.security.conftest import world as security_world  # noqa: F401  (a fixture)
from tests.security.params import candidates
from tests.security.routes import all_routes
from tests.security.test_csrf import working_body

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOG_IN = reverse("account_login")
ORIGIN = "http://testserver"


@pytest.fixture
def site(request):
    """The security tests' world: members, their content in every state, bookmarks."""
    return request.getfixturevalue("security_world")


def next_of(url: str) -> str:
    """The page a log-in URL comes back to; fails unless ``url`` is the log-in page."""
    parts = urlsplit(url)
    assert parts.path == LOG_IN, url
    (back,) = parse_qs(parts.query)["next"]
    return back


def member_action_posts(site):
    """(route, url, hidden) for every MLQA route, with every id the world has for it;
    ``hidden``: the id names something a visitor cannot see (hidden, pending)."""
    for route in all_routes():
        if route.is_project and not route.is_admin:
            for values in candidates(route, site):
                named = [
                    obj
                    for obj in (site.objects_of(pk_model(route)) if "pk" in values else [])
                    if str(obj.pk) == values["pk"]
                ]
                hidden = any(getattr(obj, "status", "published") != "published" for obj in named)
                yield route, route.url(values), hidden


def test_a_visitors_post_to_any_member_action_goes_to_log_in_and_back(client, site):
    page = site.question.get_absolute_url()
    assert client.get(page).status_code == 200  # a page the visitor can reach
    body = working_body(site)
    before = snapshot()
    actions, read_only = set(), set()
    for route, url, hidden in member_action_posts(site):
        response = client.post(url, body, headers={"referer": ORIGIN + page})
        if response.status_code == 405:
            read_only.add(route.name)
            continue
        if hidden and response.status_code == 404:
            continue  # what a visitor cannot see does not exist for them
        actions.add(route.name)
        assert response.status_code == 302, f"POST {url}: {response.status_code}"
        assert next_of(response["Location"]) == page, url

        htmx = {"HX-Request": "true", "HX-Current-URL": ORIGIN + page + "#answers"}
        response = client.post(url, body, headers=htmx)
        assert response.status_code == 200, f"htmx POST {url}: {response.status_code}"
        assert next_of(response["HX-Redirect"]) == page, url

        # Posted from nowhere the site knows: back to the home page.
        response = client.post(url, body, headers={"referer": "https://evil.example.com/"})
        assert next_of(response["Location"]) == reverse("home"), url
    assert snapshot() == before, "a visitor's post changed data"
    # The walk found the member actions, and told them apart from the pages.
    assert {
        "vote", "answer_create", "question_comments", "answer_comments", "ask",
        "bookmark_toggle", "practice_review", "delete_account", "preview",
    } <= actions  # fmt: skip
    assert {"home", "question_detail", "answer_history", "bookmarks"} <= read_only
    assert len(actions) >= 20


def log_in_from(client, login_url: str, username: str):
    """Open the log-in page a visitor was sent to and sign in through its form."""
    page = client.get(login_url)
    assert page.status_code == 200
    back = next_of(login_url)
    assert f'name="next" value="{back}"' in page.content.decode()
    return client.post(LOG_IN, {"login": username, "password": PASSWORD, "next": back})


def vote(site):
    """Vote down another member's answer on the question page."""
    url = reverse("vote", args=[site.other_answer.pk])
    voted = Vote.objects.filter(user=site.member, answer=site.other_answer, value=-1)
    return site.question, url, {"value": "down"}, voted.exists


def comment(site):
    """Comment on another member's answer on the question page."""
    url = reverse("answer_comments", args=[site.other_answer.pk])
    body = "Also check the validation set for leakage."
    return site.question, url, {"body": body}, Comment.objects.filter(body=body).exists


def bookmark(site):
    """Bookmark a question the member has not bookmarked yet, from its page."""
    question = QuestionFactory(title="How does batch normalisation behave at test time?")
    url = reverse("bookmark_toggle", args=[question.pk])
    return question, url, {}, Bookmark.objects.filter(user=site.member, question=question).exists


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize("action", [vote, comment, bookmark])
def test_log_in_from_a_member_action_and_land_back_on_the_page(client, site, action, htmx):
    question, url, data, done = action(site)
    page = question.get_absolute_url()
    assert client.get(page).status_code == 200

    if htmx:
        headers = {"HX-Request": "true", "HX-Current-URL": ORIGIN + page}
        login_url = client.post(url, data, headers=headers)["HX-Redirect"]
    else:
        login_url = client.post(url, data, headers={"referer": ORIGIN + page})["Location"]
    assert next_of(login_url) == page
    assert not done()

    response = log_in_from(client, login_url, site.member.username)
    assert response.status_code == 302
    assert response["Location"] == page
    landed = client.get(page)
    assert landed.status_code == 200
    assert landed.wsgi_request.user == site.member

    # Back on the page, signed in, the same post now does what it says.
    client.post(url, data, headers={"referer": ORIGIN + page})
    assert done()
