"""The year heatmap on the practice page: counts per day, streaks and the last 30
days' retention (frozen clock); the practice page's queries stay constant."""

import re
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from study import heatmap
from study import services as study_services
from study.models import Review
from tests.factories import AIAnswerFactory, BookmarkFactory, QuestionFactory
from tests.study.test_views import T0, html

pytestmark = pytest.mark.django_db
TODAY = T0.date()  # Monday 2 March 2026, 09:00 UTC


def log(bookmark, days_ago: int, *ratings: int) -> None:
    for n, rating in enumerate(ratings):
        at = T0 - timedelta(days=days_ago, hours=1, minutes=n)
        Review.objects.create(bookmark=bookmark, rating=rating, reviewed_at=at, due_after=at)


@pytest.fixture
def year(alice):
    bookmark = BookmarkFactory(user=alice)
    log(bookmark, 0, 3, 1)  # today
    log(bookmark, 1, 4)
    log(bookmark, 2, 2, 3, 3)
    for days_ago in range(10, 15):  # five days in a row, ten days ago
        log(bookmark, days_ago, 3)
    log(bookmark, 40, 1, 1, 1, 1)  # outside the 30 days of retention
    log(bookmark, 380, 3)  # over a year ago: not on the map
    return bookmark


def test_counts_streaks_and_retention(alice, year):
    result = heatmap.year_heatmap(alice, now=T0)
    counts = {cell.day: cell.count for cell in result.cells if cell.count}
    assert counts == {
        TODAY: 2,
        TODAY - timedelta(days=1): 1,
        TODAY - timedelta(days=2): 3,
        **{TODAY - timedelta(days=n): 1 for n in range(10, 15)},
        TODAY - timedelta(days=40): 4,
    }
    assert (result.total, result.active_days, result.peak) == (15, 9, 4)
    assert (result.current_streak, result.longest_streak) == (3, 5)
    # Last 30 days: 11 reviews, 10 of them rated 2-4 (one Again today).
    assert (result.recent_reviews, result.recent_passed, result.retention) == (11, 10, 91)
    assert {cell.level for cell in result.cells if cell.count == 4} == {4}
    assert {cell.level for cell in result.cells if cell.count == 1} == {1}
    assert result.cells[0].day.weekday() == 0
    assert result.cells[-1].day == TODAY
    assert len(result.cells) == 7 * 52 + 1  # 52 full weeks and this Monday


def test_a_streak_lives_until_the_day_ends_without_a_review(alice, year):
    tomorrow = heatmap.year_heatmap(alice, now=T0 + timedelta(days=1))
    assert tomorrow.current_streak == 3  # today still open
    later = heatmap.year_heatmap(alice, now=T0 + timedelta(days=2))
    assert (later.current_streak, later.longest_streak) == (0, 5)


def test_no_reviews_no_retention(alice):
    result = heatmap.year_heatmap(alice, now=T0)
    assert (result.total, result.current_streak, result.retention) == (0, 0, None)


def test_the_practice_page_draws_the_year(client, alice, year, other_member):
    log(BookmarkFactory(user=other_member), 0, 1, 1, 1)  # someone else's reviews
    with mock.patch("django.utils.timezone.now", return_value=T0):
        page = html(client.get("/practice/"))
    assert '<dd id="streak-current">3 days</dd>' in page
    assert '<dd id="streak-longest">5 days</dd>' in page
    assert '<dd id="retention">91%</dd>' in page
    assert 'data-day="2026-03-02" data-count="2"' in page
    assert 'data-day="2026-01-21" data-count="4"' in page
    assert "<title>Mon 2 Mar 2026: 2 reviews</title>" in page
    assert "15 reviews on 9 days since" in page
    assert len(re.findall(r'<rect class="heat heat-\d" x=', page)) == 7 * 52 + 1
    # Beside the per-topic table, in the progress section.
    assert page.index("progress-table") < page.index('class="heatmap"')


def _queries(client, method: str, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == 200
        assert "already rated" not in html(response)
    return len(ctx.captured_queries)


def _practice_data(user, cards: int) -> None:
    for n in range(cards):
        question = QuestionFactory()
        AIAnswerFactory(question=question, body=f"Point {n}.\n\n- One thing.\n- Another thing.")
        bookmark = BookmarkFactory(user=user, question=question)
        for day in range(0, 60, 7):
            study_services.review(
                user=user, bookmark=bookmark, rating=1 + (n + day) % 4,
                now=datetime(2026, 1, 1, 9, tzinfo=T0.tzinfo) + timedelta(days=day),
                typed_answer=f"typed {n}",
            )  # fmt: skip


def test_practice_queries_do_not_grow_with_data(client, alice):
    """/practice/ with typing on and an undo offered, and a typed answer checked."""
    client.post("/practice/typing/", {"typing": "on"})

    def measure() -> list[int]:
        for _ in range(2):  # still an answered card to show after the rating
            BookmarkFactory(user=alice, question=AIAnswerFactory().question)
        with mock.patch("django.utils.timezone.now", return_value=T0):
            shown = html(client.get("/practice/"))
            card = re.search(r'data-bookmark="(\d+)"', shown)[1]
            counts = [
                _queries(client, "get", "/practice/"),
                _queries(client, "post", f"/practice/{card}/check/", {"answer": "a b"}),
                _queries(client, "get", "/bookmarks/"),
            ]
            client.post(f"/practice/{card}/review/", {"rating": "3"})
            counts.append(_queries(client, "get", "/practice/"))
        return counts

    _practice_data(alice, 2)
    small = measure()
    _practice_data(alice, 20)
    large = measure()
    assert large == small, (small, large)
    # The session's counts, card, progress, chart, heatmap, topics and the header.
    assert small[0] <= 17
