"""Study progress (per topic, the review chart) and "I was asked this" reports."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from questions import selectors
from questions.models import Status
from study import selectors as study_selectors
from study import services as study_services
from study.models import InterviewReport
from tests.factories import (
    BookmarkFactory,
    QuestionFactory,
    TopicFactory,
    UserFactory,
)
from tests.study.test_study import T0

pytestmark = pytest.mark.django_db


# --- Progress ----------------------------------------------------------------------------


def test_progress_counts_new_learning_and_known_per_topic(member):
    stats = TopicFactory(name="Statistics", slug="statistics")
    nlp = TopicFactory(name="NLP", slug="nlp")
    new = BookmarkFactory(user=member, question=QuestionFactory(topics=[stats]))
    learning = BookmarkFactory(user=member, question=QuestionFactory(topics=[stats, nlp]))
    known = BookmarkFactory(user=member, question=QuestionFactory(topics=[stats]))
    BookmarkFactory(user=member, question=QuestionFactory())  # no topic
    BookmarkFactory(question=QuestionFactory(topics=[stats]))  # someone else's
    study_services.review(user=member, bookmark=learning, rating=3, now=T0)
    study_services.review(user=member, bookmark=known, rating=4, now=T0)
    rows = {
        row.name: (row.new, row.learning, row.known)
        for row in study_selectors.topic_progress(member)
    }
    assert rows == {"NLP": (0, 1, 0), "Statistics": (1, 1, 1), "No topic": (1, 0, 0)}
    assert new.is_new
    statistics = next(r for r in study_selectors.topic_progress(member) if r.slug == "statistics")
    assert [name for name, _, _ in statistics.meter] == ["known", "learning", "new"]
    assert sum(width for _, _, width in statistics.meter) == pytest.approx(100, abs=0.05)


def test_review_chart_has_thirty_days_scaled_to_the_busiest(member):
    bookmarks = [BookmarkFactory(user=member) for _ in range(3)]
    for bookmark in bookmarks:
        study_services.review(user=member, bookmark=bookmark, rating=1, now=T0)
    study_services.review(user=member, bookmark=bookmarks[0], rating=3, now=T0 - timedelta(days=2))
    study_services.review(user=member, bookmark=bookmarks[0], rating=3, now=T0 - timedelta(days=40))
    chart = study_selectors.review_chart(member, now=T0 + timedelta(hours=2))
    assert len(chart.bars) == 30
    assert (chart.first_day.isoformat(), chart.last_day.isoformat()) == ("2026-02-01", "2026-03-02")
    assert (chart.total, chart.peak) == (4, 3)
    today, two_days_ago = chart.bars[-1], chart.bars[-3]
    assert (today.count, two_days_ago.count) == (3, 1)
    assert today.height == chart.height - 2
    assert two_days_ago.height == pytest.approx(today.height / 3, abs=0.01)
    assert today.y + today.height == two_days_ago.y + two_days_ago.height
    assert study_selectors.review_chart(UserFactory(), now=T0).peak == 0


# --- "I was asked this" ---------------------------------------------------------------


def test_one_report_per_member_question_and_year(member, other_member):
    question = QuestionFactory()
    report = study_services.report_asked(
        user=member, question=question, company=" Acme  AI ", now=T0
    )
    assert (report.year, report.company, report.level) == (2026, "Acme AI", "")
    with pytest.raises(
        study_services.AlreadyReported, match="already reported this question for 2026"
    ):
        study_services.report_asked(user=member, question=question, now=T0)
    study_services.report_asked(user=member, question=question, year=2024, level="senior", now=T0)
    study_services.report_asked(user=other_member, question=question, now=T0)
    assert InterviewReport.objects.count() == 3


def test_the_database_refuses_a_second_report_for_the_same_year(member):
    question = QuestionFactory()
    InterviewReport.objects.create(user=member, question=question, year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        InterviewReport.objects.create(user=member, question=question, year=2025)


def test_a_race_between_two_identical_reports_is_still_friendly(member):
    question = QuestionFactory()
    study_services.report_asked(user=member, question=question, now=T0)
    # As if the check had run before the other request's insert.
    with mock.patch.object(InterviewReport.objects, "filter") as check:
        check.return_value.exists.return_value = False
        with pytest.raises(study_services.AlreadyReported):
            study_services.report_asked(user=member, question=question, now=T0)
    assert InterviewReport.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 2027}, "between 1990 and 2026"),
        ({"year": 1980}, "between 1990 and 2026"),
        ({"company": "x" * 81}, "at most 80"),
        ({"level": "wizard"}, "level"),
    ],
)
def test_report_input_is_checked(member, kwargs, message):
    with pytest.raises(study_services.StudyError, match=message):
        study_services.report_asked(user=member, question=QuestionFactory(), now=T0, **kwargs)


def test_only_published_questions_can_be_reported(member):
    with pytest.raises(PermissionDenied):
        study_services.report_asked(user=member, question=QuestionFactory(status=Status.PENDING))


def test_asked_summary_counts_recent_and_visible_reports_only(member, other_member):
    question = QuestionFactory()
    now = datetime.now(UTC)
    year = now.year
    study_services.report_asked(user=member, question=question, company="Acme", year=year)
    study_services.report_asked(user=other_member, question=question, company="acme", year=year)
    old = study_services.report_asked(user=member, question=question, company="Initech", year=2015)
    hidden = study_services.report_asked(user=UserFactory(), question=question, company="Spam Inc")
    InterviewReport.objects.filter(pk=hidden.pk).update(is_hidden=True)

    summary = study_selectors.asked_summary(question, member)
    assert (summary.total, summary.recent, summary.latest_year) == (3, 2, year)
    assert summary.companies == ["Acme", "Initech"]
    assert (summary.mine, summary.my_latest) == (2, year)
    assert old.year == 2015
    stranger = study_selectors.asked_summary(question, UserFactory())
    assert (stranger.mine, stranger.my_latest, stranger.total) == (0, None, 3)
    hidden_reporter = study_selectors.asked_summary(question, hidden.user)
    assert (hidden_reporter.mine, hidden_reporter.my_latest) == (1, year)


def test_the_list_sorts_by_most_asked_in_the_last_twelve_months(member, other_member):
    once, twice, long_ago = (QuestionFactory(title=t) for t in ("Once", "Twice", "Long ago"))
    for user in (member, other_member):
        study_services.report_asked(user=user, question=twice)
    study_services.report_asked(user=member, question=once)
    for year in (2015, 2016, 2017):
        study_services.report_asked(user=member, question=long_ago, year=year)
    qs = selectors.question_list(selectors.QuestionFilters(sort="asked"))
    rows = list(study_selectors.with_study_state(qs, member))
    assert [q.title for q in rows] == ["Twice", "Once", "Long ago"]
    assert [q.asked_recently for q in rows] == [2, 1, 0]
    assert [q.is_bookmarked for q in rows] == [False, False, False]
