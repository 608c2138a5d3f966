"""Empirical difficulty: the share of members' first reviews rated Again, shown from
20 first reviews on, kept exact by reviews and undo, renewing the question's
cached pages only when the shown figure changes; a list filter and sort."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.services import delete_account
from questions.models import Question
from study import checking, empirical
from study import services as study_services
from tests.factories import BookmarkFactory, QuestionFactory, UserFactory
from tests.study.test_views import T0, html

pytestmark = pytest.mark.django_db
LABEL = "of candidates missed this the first time"


def first_reviews(question: Question, ratings: list[int]) -> None:
    for rating in ratings:
        bookmark = BookmarkFactory(user=UserFactory(), question=question)
        study_services.review(user=bookmark.user, bookmark=bookmark, rating=rating, now=T0)


def figures(question: Question) -> tuple:
    return Question.objects.values_list("first_reviews", "first_misses", "missed_first").get(
        pk=question.pk
    )


def test_no_figure_below_twenty_first_reviews(client):
    question = QuestionFactory()
    first_reviews(question, [1] * 11 + [3] * 8)
    assert figures(question) == (19, 11, None)
    assert LABEL not in html(client.get(question.get_absolute_url()))

    first_reviews(question, [2])
    assert figures(question) == (20, 11, 55)
    page = html(client.get(question.get_absolute_url()))
    assert f"55% {LABEL}" in page
    # The editorial difficulty stays beside it.
    assert '<span class="difficulty difficulty-medium">Medium</span>' in page


def test_only_a_members_first_review_counts(alice):
    question = QuestionFactory()
    bookmark = BookmarkFactory(user=alice, question=question)
    study_services.review(user=alice, bookmark=bookmark, rating=3, now=T0)
    study_services.review(user=alice, bookmark=bookmark, rating=1, now=T0 + timedelta(days=3))
    assert figures(question) == (1, 0, None)
    # Removed and bookmarked again, the card keeps its history: still not a first review.
    study_services.toggle_bookmark(user=alice, question=question)
    study_services.toggle_bookmark(user=alice, question=question)
    study_services.review(user=alice, bookmark=bookmark, rating=1, now=T0 + timedelta(days=9))
    assert figures(question) == (1, 0, None)


def test_undoing_a_first_review_uncounts_it(settings, alice):
    settings.MLQA_EMPIRICAL_MIN_REVIEWS = 2
    question = QuestionFactory()
    first_reviews(question, [3])
    bookmark = BookmarkFactory(user=alice, question=question)
    review = study_services.review(user=alice, bookmark=bookmark, rating=1, now=T0)
    assert figures(question) == (2, 1, 50)
    checking.undo_review(user=alice, review=review)
    assert figures(question) == (1, 0, None)
    # Undoing a later review leaves the counts alone.
    study_services.review(user=alice, bookmark=bookmark, rating=1, now=T0)
    later = study_services.review(
        user=alice, bookmark=bookmark, rating=4, now=T0 + timedelta(minutes=10)
    )
    checking.undo_review(user=alice, review=later)
    assert figures(question) == (2, 1, 50)


def test_the_question_pages_renew_only_when_the_shown_figure_changes(settings):
    settings.MLQA_EMPIRICAL_MIN_REVIEWS = 3
    question = QuestionFactory()
    with mock.patch.object(empirical.pagecache, "question_changed") as changed:
        first_reviews(question, [3, 3])  # below the floor: nothing shown changes
        assert changed.call_count == 0
        first_reviews(question, [3])  # 0% appears
        assert changed.call_count == 1
        first_reviews(question, [4, 2])  # still 0%
        assert changed.call_count == 1
        first_reviews(question, [1])  # 17%
        assert changed.call_count == 2
    assert figures(question) == (6, 1, 17)


def test_the_list_filters_and_sorts_by_the_figure(client, db):
    rows = {"Hardly missed": 10, "Often missed": 80, "Sometimes missed": 40, "Unmeasured": None}
    for title, missed in rows.items():
        Question.objects.filter(pk=QuestionFactory(title=title).pk).update(missed_first=missed)
    page = html(client.get("/?sort=missed"))
    order = sorted(rows, key=page.index)
    assert order == ["Often missed", "Sometimes missed", "Hardly missed", "Unmeasured"]
    assert "80% missed first time" in page
    assert "Most missed the first time" in page

    page = html(client.get("/?missed=25"))
    assert "Often missed" in page
    assert "Sometimes missed" in page
    assert "Hardly missed" not in page
    assert "Unmeasured" not in page
    assert 'option value="25" selected' in page
    assert "Hardly missed" in html(client.get("/?missed=bogus"))  # ignored, not an error


def test_deleting_an_account_uncounts_its_first_reviews(settings):
    settings.MLQA_EMPIRICAL_MIN_REVIEWS = 2
    question = QuestionFactory()
    first_reviews(question, [1, 3, 3])
    assert figures(question) == (3, 1, 33)
    delete_account(user=question.bookmarks.order_by("pk").first().user)
    assert figures(question) == (2, 0, 0)


def test_the_recount_command_rebuilds_the_figures_from_the_logs(settings):
    settings.MLQA_EMPIRICAL_MIN_REVIEWS = 2
    question = QuestionFactory()
    first_reviews(question, [1, 1, 3])
    assert figures(question) == (3, 2, 67)
    # Deleting an account deletes its log (a cascade): the recount follows.
    question.bookmarks.order_by("pk").first().user.delete()
    assert figures(question) == (3, 2, 67)
    call_command("recompute_empirical_difficulty", stdout=mock.MagicMock())
    assert figures(question) == (2, 1, 50)
    assert empirical.recompute() == 0  # nothing left to fix


def test_the_demo_shows_measured_questions_and_a_practised_year(demo_data, client):
    question = Question.objects.get(title__startswith="When training a large language")
    assert f"60% {LABEL}" in html(client.get(question.get_absolute_url()))
    client.force_login(User.objects.get(username="demo"))
    page = html(client.get("/practice/"))
    assert re.search(r'<dd id="streak-current">[1-9]\d* days?</dd>', page)
    assert "Your typed answers (1)" in html(client.get("/bookmarks/"))
