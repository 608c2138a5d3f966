"""Practice, "I was asked this" and the study pages' query counts over HTTP, both
ways (plain form post and htmx fragment)."""

import re
from datetime import timedelta
from html import unescape
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions.models import Status
from study import services as study_services
from study import views
from study.models import Bookmark, InterviewReport, Review
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    BookmarkFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
    VerifiedUserFactory,
)
from tests.study.test_views import HTMX, T0, html, is_fragment

pytestmark = pytest.mark.django_db


# --- Practice -------------------------------------------------------------------------------


def test_practice_page_shows_the_card_then_the_answer_and_the_note(client, alice):
    question = QuestionFactory(title="Why does batch norm help?")
    AIAnswerFactory(question=question, body="It **smooths** the loss.", ai_model="ChatGPT")
    bookmark = BookmarkFactory(user=alice, question=question)
    study_services.save_note(
        user=alice, bookmark=bookmark, note="ask about *internal covariate shift*"
    )
    response = client.get("/practice/")
    body = html(response)
    assert response.status_code == 200
    assert "Why does batch norm help?" in body
    assert "AI-generated · ChatGPT" in body
    assert "<strong>smooths</strong>" in body
    assert "<em>internal covariate shift</em>" in body
    assert body.index("Show the answer") < body.index("<strong>smooths</strong>")
    assert 'name="rating" value="4"' in body
    assert 'src="/static/js/practice.js"' in body
    assert "<script>" not in body  # CSP: no inline script
    assert 'style="' not in body  # CSP: no inline style


def test_rating_with_htmx_brings_the_next_card_and_the_counts(client, alice):
    first = BookmarkFactory(user=alice, question=QuestionFactory(title="First card"))
    BookmarkFactory(user=alice, question=QuestionFactory(title="Second card"))
    body = html(client.get("/practice/"))
    assert "First card" in body  # first bookmarked, first learned
    response = client.post(
        f"/practice/{first.pk}/review/",
        {"rating": "4", "seen": "new", "duration_ms": "5300"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert is_fragment(response)
    body = html(response)
    assert 'id="practice-session"' in body
    assert "Second card" in body
    assert "Easy: back in" in body
    assert re.search(r'id="count-done">1<', body)
    review = Review.objects.get()
    assert (review.rating, review.duration_ms) == (4, 5300)


def test_rating_with_a_plain_form_redirects_to_practice(client, alice):
    bookmark = BookmarkFactory(user=alice)
    response = client.post(f"/practice/{bookmark.pk}/review/", {"rating": "1"})
    assert (response.status_code, response["Location"]) == (302, "/practice/")
    follow = client.get("/practice/")
    assert "Again: back in 1 min." in html(follow)


@pytest.mark.parametrize("rating", ["", "0", "5", "good", "3.5"])
def test_a_bad_rating_is_a_400_with_a_message(client, alice, rating):
    bookmark = BookmarkFactory(user=alice)
    url = f"/practice/{bookmark.pk}/review/"
    response = client.post(url, {"rating": rating})
    assert response.status_code == 400
    assert "1 (again), 2 (hard), 3 (good) or 4 (easy)" in html(response)
    response = client.post(url, {"rating": rating}, headers=HTMX)
    assert response.status_code == 400
    assert is_fragment(response)
    assert "1 (again)" in html(response)
    assert not Review.objects.exists()


@pytest.mark.parametrize(("sent", "stored"), [("", None), ("abc", None), ("90000000", None)])
def test_a_bad_duration_never_loses_the_rating(client, alice, sent, stored):
    bookmark = BookmarkFactory(user=alice)
    response = client.post(f"/practice/{bookmark.pk}/review/", {"rating": "2", "duration_ms": sent})
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.rating, review.duration_ms) == (2, stored)


def test_a_double_submitted_rating_counts_once(client, alice):
    bookmark = BookmarkFactory(user=alice)
    url = f"/practice/{bookmark.pk}/review/"
    client.post(url, {"rating": "3", "seen": "new"}, headers=HTMX)
    response = client.post(url, {"rating": "3", "seen": "new"}, headers=HTMX)
    assert response.status_code == 200
    assert "already rated" in html(response)
    assert Review.objects.count() == 1


def test_the_clock_decides_when_a_card_comes_back(client, alice):
    bookmark = BookmarkFactory(user=alice, question=QuestionFactory(title="Clockwork"))
    with (
        mock.patch("django.utils.timezone.now", return_value=T0),
        mock.patch("fsrs.scheduler.random", return_value=0.5),
    ):
        client.post(f"/practice/{bookmark.pk}/review/", {"rating": "4"})
    bookmark.refresh_from_db()
    with mock.patch("django.utils.timezone.now", return_value=bookmark.due - timedelta(hours=1)):
        assert "Clockwork" not in html(client.get("/practice/"))
    with mock.patch("django.utils.timezone.now", return_value=bookmark.due):
        assert "Clockwork" in html(client.get("/practice/"))


def test_practice_with_htmx_returns_the_session_fragment(client, alice):
    BookmarkFactory(user=alice, question=QuestionFactory(title="Fragment card"))
    response = client.get("/practice/", headers=HTMX)
    assert is_fragment(response)
    assert "Fragment card" in html(response)
    assert "HX-Request" in response["Vary"]


def test_start_from_a_topic_both_ways(client, alice):
    stats = TopicFactory(name="Statistics", slug="statistics")
    for n in range(3):
        QuestionFactory(title=f"Stats {n}", topics=[stats])
    response = client.post("/practice/start/", {"topic": "statistics"})
    assert (response.status_code, response["Location"]) == (302, "/practice/")
    assert "Added 3 Statistics questions to practise." in html(client.get("/practice/"))
    assert Bookmark.objects.filter(user=alice).count() == 3

    response = client.post("/practice/start/", {"topic": "statistics"}, headers=HTMX)
    assert is_fragment(response)
    assert "You already have every Statistics question" in html(response)


def test_start_from_an_unknown_topic_is_a_400(client, alice):
    for headers in ({}, HTMX):
        response = client.post("/practice/start/", {"topic": "nope"}, headers=headers)
        assert response.status_code == 400
        assert "Choose a topic" in html(response)
    assert not Bookmark.objects.exists()


def test_practice_page_shows_progress_and_an_svg_chart(client, alice):
    stats = TopicFactory(name="Statistics", slug="statistics")
    bookmark = BookmarkFactory(user=alice, question=QuestionFactory(topics=[stats]))
    study_services.review(user=alice, bookmark=bookmark, rating=3)
    body = html(client.get("/practice/"))
    assert "Statistics" in body
    assert "1 learning" in body
    chart = body[body.index('<figure class="review-chart">') :]
    assert "<svg" in chart
    assert chart.count('class="chart-bar"') == 1
    assert "1 review" in chart


def test_nothing_to_practise_says_what_to_do(client, alice):
    body = html(client.get("/practice/"))
    assert "Nothing to practise yet" in body


# --- "I was asked this" ------------------------------------------------------------------


def test_reporting_with_a_plain_form(client, alice):
    question = QuestionFactory()
    url = f"/questions/{question.pk}/asked/"
    response = client.post(url, {"company": "Acme", "level": "senior", "year": "2025"})
    assert (response.status_code, response["Location"]) == (302, question.get_absolute_url())
    report = InterviewReport.objects.get()
    assert (report.user, report.company, report.level, report.year) == (
        alice,
        "Acme",
        "senior",
        2025,
    )
    page = html(client.get(question.get_absolute_url()))
    assert "Thank you!" in page
    assert "Asked in 1 interview" in page
    assert 'at <a href="/companies/acme/">Acme</a>' in page
    assert "you reported it for 2025" in page

    # The same year again: a friendly message, no second row.
    response = client.post(url, {"year": "2025"})
    assert response.status_code == 302
    assert "already reported this question for 2025" in html(client.get(response["Location"]))
    assert InterviewReport.objects.count() == 1


def test_reporting_with_htmx_swaps_the_summary(client, alice):
    question = QuestionFactory()
    url = f"/questions/{question.pk}/asked/"
    response = client.post(url, {"company": "Initech"}, headers=HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert 'id="asked"' in html(response)
    assert "Asked in 1 interview" in html(response)
    response = client.post(url, {}, headers=HTMX)
    assert response.status_code == 409
    assert is_fragment(response)
    assert "already reported this question" in html(response)
    assert InterviewReport.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "2999"}, "cannot be after"),
        ({"year": "1066"}, "greater than or equal to 1990"),
        ({"year": "last year"}, "whole number"),
        ({"level": "wizard"}, "valid choice"),
        ({"company": "x" * 81}, "at most 80 characters"),
    ],
)
def test_bad_reports_are_a_400_with_the_reason(client, alice, data, message):
    question = QuestionFactory()
    url = f"/questions/{question.pk}/asked/"
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in html(response)
    response = client.post(url, data, headers=HTMX)
    assert response.status_code == 400
    assert message in html(response)
    assert not InterviewReport.objects.exists()


def test_reports_on_unknown_or_pending_questions_are_a_404(client, alice):
    assert client.post("/questions/999999/asked/").status_code == 404
    pending = QuestionFactory(status=Status.PENDING)
    assert client.post(f"/questions/{pending.pk}/asked/").status_code == 404


def test_the_question_page_never_names_who_reported(client, alice, other_member):
    question = QuestionFactory()
    study_services.report_asked(user=other_member, question=question, company="Hooli")
    body = html(client.get(question.get_absolute_url()))
    assert 'at <a href="/companies/hooli/">Hooli</a>' in body
    assert "bob" not in body.lower().replace("bookmark", "")


def test_the_list_can_sort_by_most_asked(client, db):
    QuestionFactory(title="Rarely asked")
    often = QuestionFactory(title="Often asked")
    for user in (VerifiedUserFactory(), VerifiedUserFactory()):
        study_services.report_asked(user=user, question=often)
    page = client.get("/", {"sort": "asked"})
    assert [q.title for q in page.context["page"].object_list] == ["Often asked", "Rarely asked"]
    assert "Asked 2\N{MULTIPLICATION SIGN} in 12 months" in html(page)
    assert "Most asked in the last 12 months" in html(page)


# --- Query counts -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _study_data(user, questions: int):
    topics = [TopicFactory() for _ in range(3)]
    for n in range(questions):
        question = QuestionFactory(topics=topics)
        AIAnswerFactory(question=question)
        AnswerFactory(question=question)
        bookmark = BookmarkFactory(user=user, question=question)
        study_services.save_note(user=user, bookmark=bookmark, note=f"note {n}")
        if n % 2:
            study_services.review(user=user, bookmark=bookmark, rating=1 + n % 4)
        study_services.report_asked(user=UserFactory(), question=question, company=f"Co {n}")


def test_study_page_queries_do_not_grow_with_data(client, alice):
    urls = ["/bookmarks/", "/bookmarks/?state=learning&sort=due", "/practice/", "/?sort=asked"]
    _study_data(alice, 2)
    question = alice.bookmarks.first().question
    small = [_queries(client, url) for url in urls]
    small.append(_queries(client, question.get_absolute_url()))
    _study_data(alice, 25)
    large = [_queries(client, url) for url in urls]
    large.append(_queries(client, question.get_absolute_url()))
    assert small == large
    # Each with the header's unread count; the question page also asks whether
    # the member follows it.
    assert large[2] <= 16
    assert large[4] <= 17


def test_export_queries_do_not_grow_with_data(client, alice):
    urls = ["/bookmarks/export.csv", "/bookmarks/export.md", "/bookmarks/export.apkg"]
    _study_data(alice, 2)
    small = [_queries(client, url) for url in urls]
    _study_data(alice, 20)
    assert [_queries(client, url) for url in urls] == small


def test_following_next_on_bookmarks_reaches_page_two(client, alice):
    for n in range(views.BOOKMARKS_PER_PAGE + 1):
        study_services.toggle_bookmark(
            user=alice, question=QuestionFactory(title=f"Bookmarked {n:02}")
        )
    client.force_login(alice)
    first = client.get("/bookmarks/")
    match = re.search(r'<a href="([^"]*)"[^>]*rel="next"', first.content.decode())
    assert match, "no Next link on the bookmarks page"
    link = unescape(match.group(1))
    assert not link.startswith("??")
    second = client.get("/bookmarks/" + link)
    assert second.context["page"].number == 2
    shown = {b.question_id for b in second.context["page"].object_list}
    assert len(shown) == 1
    assert shown.isdisjoint({b.question_id for b in first.context["page"].object_list})
