"""Mock interviews, the services (frozen clock): drawing the questions, time
measured on the server, late answers marked, and the self-grades becoming
practice reviews exactly as FSRS schedules them."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import fsrs
import pytest

from questions.models import Question, Status
from study import mock as mock_interviews
from study import services as study_services
from study.models import Bookmark, MockInterview, Review
from study.scheduling import to_fsrs_card
from tests.factories import QuestionFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _no_fuzz():
    """FSRS spreads intervals at random; tests pin the draw."""
    with mock.patch("fsrs.scheduler.random", return_value=0.5):
        yield


def _start(user, topics, count=3, minutes=3, now=T0) -> MockInterview:
    return mock_interviews.start_mock_interview(
        user=user, topics=topics, question_count=count, minutes=minutes, now=now
    )


def _answer(user, interview, position, at, text=""):
    return mock_interviews.answer_mock_question(
        user=user, interview=interview, position=position, answer=text, now=at
    )


def test_questions_are_drawn_from_the_chosen_topics_published_only(member):
    stats, vision = TopicFactory(name="Statistics"), TopicFactory(name="Vision")
    in_stats = {QuestionFactory(topics=[stats]).pk for _ in range(4)}
    QuestionFactory(topics=[stats], status=Status.HIDDEN)
    QuestionFactory(topics=[stats], status=Status.PENDING)
    only_vision = QuestionFactory(topics=[vision])
    both = QuestionFactory(topics=[stats, vision])  # in two chosen topics: drawn once
    QuestionFactory(topics=[TopicFactory()])  # a topic not chosen
    in_stats.add(both.pk)
    interview = _start(member, [stats, vision], count=6)
    drawn = list(interview.items.order_by("position").values_list("question_id", flat=True))
    assert sorted(drawn) == sorted(in_stats | {only_vision.pk})
    assert list(interview.topics.order_by("name")) == [stats, vision]
    interview = _start(member, [stats], count=5)
    assert set(interview.items.values_list("question_id", flat=True)) == in_stats
    first = interview.items.get(position=1)
    assert (first.started_at, first.deadline) == (T0, T0 + timedelta(minutes=3))
    assert not interview.items.filter(position__gt=1, started_at__isnull=False).exists()
    everything = _start(member, [], count=7)  # no topic chosen: every topic
    assert everything.items.count() == 7
    with pytest.raises(mock_interviews.StudyError) as refused:
        _start(member, [], count=8)
    assert str(refused.value) == (
        "There are only 7 published questions on the site: choose at most 7 questions."
    )


@pytest.mark.parametrize(
    ("published", "message"),
    [
        (0, "There are no published questions in Statistics and Vision yet: choose other topics."),
        (
            1,
            "There is only 1 published question in Statistics and Vision; "
            "a mock interview needs 3: add topics.",
        ),
        (
            4,
            "There are only 4 published questions in Statistics and Vision: "
            "choose at most 4 questions, or add topics.",
        ),
    ],
)
def test_not_enough_questions_in_the_topics_says_what_to_do(member, published, message):
    stats, vision = TopicFactory(name="Statistics"), TopicFactory(name="Vision")
    for _ in range(published):
        QuestionFactory(topics=[stats])
    QuestionFactory(topics=[vision], status=Status.HIDDEN)
    QuestionFactory()  # another topic's: not drawn
    with pytest.raises(mock_interviews.StudyError) as refused:
        _start(member, [stats, vision], count=5)
    assert str(refused.value) == message
    assert not MockInterview.objects.exists()


@pytest.mark.parametrize(("count", "minutes"), [(2, 3), (11, 3), (3, 0), (3, 31)])
def test_the_service_refuses_counts_and_minutes_out_of_bounds(member, count, minutes):
    for _ in range(12):
        QuestionFactory()
    with pytest.raises(mock_interviews.StudyError):
        _start(member, [], count=count, minutes=minutes)
    assert not MockInterview.objects.exists()


def test_time_runs_on_the_server_and_a_late_answer_is_marked_not_refused(member):
    topic = TopicFactory()
    for _ in range(3):
        QuestionFactory(topics=[topic])
    interview = _start(member, [topic], minutes=2)
    first = _answer(member, interview, 1, T0 + timedelta(seconds=70), "  Bias and variance\r\n")
    assert first.answer == "Bias and variance"
    assert (first.time_spent, first.over_time) == (timedelta(seconds=70), False)
    second = interview.items.get(position=2)
    assert second.started_at == T0 + timedelta(seconds=70)
    assert second.deadline == T0 + timedelta(seconds=190)
    late = _answer(member, interview, 2, T0 + timedelta(minutes=9))  # 7 min 50 s for 2 min
    assert late.over_time
    assert late.answer == ""
    interview.refresh_from_db()
    assert interview.finished_at is None
    _answer(member, interview, 3, T0 + timedelta(minutes=10))
    interview.refresh_from_db()
    assert interview.finished_at == T0 + timedelta(minutes=10)
    assert interview.total_time == timedelta(minutes=10)
    summary = mock_interviews.summary(interview)
    assert summary.within_time == 2
    assert [item.over_time for item in summary.items] == [False, True, False]


def test_an_answer_sent_twice_or_out_of_turn_changes_nothing(member):
    for _ in range(3):
        QuestionFactory()
    interview = _start(member, [])
    assert _answer(member, interview, 2, T0 + timedelta(minutes=1), "too early") is None
    assert _answer(member, interview, 1, T0 + timedelta(minutes=1), "first") is not None
    assert _answer(member, interview, 1, T0 + timedelta(minutes=2), "again") is None
    assert interview.items.get(position=1).answer == "first"
    assert interview.items.get(position=2).started_at == T0 + timedelta(minutes=1)
    with pytest.raises(mock_interviews.StudyError, match="no such question"):
        _answer(member, interview, 9, T0)
    with pytest.raises(mock_interviews.StudyError, match="at most 5000 characters"):
        _answer(member, interview, 2, T0, "x" * 5001)
    with pytest.raises(mock_interviews.StudyError, match="not your mock interview"):
        _answer(UserFactory(), interview, 2, T0)


def _finished(member, topic, minutes=3) -> MockInterview:
    interview = _start(member, [topic], minutes=minutes)
    for position in (1, 2, 3):
        _answer(
            member, interview, position, T0 + timedelta(minutes=2 * position), f"answer {position}"
        )
    interview.refresh_from_db()
    return interview


def test_self_grades_become_reviews_as_the_fsrs_scheduler_says(member):
    topic = TopicFactory()
    never, known, removed = (QuestionFactory(topics=[topic]) for _ in range(3))
    kept = study_services.toggle_bookmark(user=member, question=known)
    study_services.review(user=member, bookmark=kept, rating=3, now=T0 - timedelta(days=9))
    study_services.review(user=member, bookmark=kept, rating=3, now=T0 - timedelta(days=6))
    gone = study_services.toggle_bookmark(user=member, question=removed)
    study_services.toggle_bookmark(user=member, question=removed)  # removed again
    interview = _finished(member, topic)
    grade_at = T0 + timedelta(minutes=8)
    positions = dict(interview.items.values_list("question_id", "position"))
    grades = {positions[never.pk]: 3, positions[known.pk]: 4, positions[removed.pk]: 1}

    kept.refresh_from_db()
    scheduler = fsrs.Scheduler()
    expected = {
        never.pk: scheduler.review_card(fsrs.Card(due=grade_at), fsrs.Rating.Good, grade_at)[0],
        known.pk: scheduler.review_card(to_fsrs_card(kept, grade_at), fsrs.Rating.Easy, grade_at)[
            0
        ],
        removed.pk: scheduler.review_card(fsrs.Card(due=grade_at), fsrs.Rating.Again, grade_at)[0],
    }
    reviews = mock_interviews.grade_mock_interview(
        user=member, interview=interview, grades=grades, now=grade_at
    )

    assert len(reviews) == 3
    for question in (never, known, removed):
        question.refresh_from_db()
        assert question.bookmark_count == 1
        bookmark = Bookmark.objects.get(user=member, question=question)
        card = expected[question.pk]
        assert bookmark.state == int(card.state)
        assert bookmark.step == card.step
        assert bookmark.stability == pytest.approx(card.stability)
        assert bookmark.difficulty == pytest.approx(card.difficulty)
        assert bookmark.due == card.due
        assert bookmark.last_review == grade_at
        log = bookmark.reviews.order_by("-reviewed_at").first()
        item = interview.items.get(question=question)
        assert (log.rating, log.reviewed_at, log.due_after) == (item.grade, grade_at, card.due)
        assert log.duration_ms == 120_000  # two minutes on each question
        assert item.review == log
    assert Bookmark.objects.get(pk=gone.pk).removed_at is None  # restored, not duplicated
    assert Bookmark.all_objects.filter(user=member).count() == 3
    assert Review.objects.filter(bookmark__question=known).count() == 3
    interview.refresh_from_db()
    assert interview.graded_at == grade_at
    # In practice now: the new card (Good, a learning step) is due within minutes.
    session = mock_interviews.past_interviews(member).object_list[0]
    assert session.is_graded


def test_grading_needs_a_finished_interview_every_grade_and_happens_once(member):
    topic = TopicFactory()
    for _ in range(3):
        QuestionFactory(topics=[topic])
    unfinished = _start(member, [topic])
    with pytest.raises(mock_interviews.StudyError, match="Answer every question"):
        mock_interviews.grade_mock_interview(user=member, interview=unfinished, grades={1: 3})
    interview = _finished(member, topic)
    with pytest.raises(mock_interviews.StudyError) as refused:
        mock_interviews.grade_mock_interview(user=member, interview=interview, grades={1: 3, 3: 7})
    assert str(refused.value) == (
        "Grade every question from 1 (again) to 4 (easy): questions 2, 3 need a grade."
    )
    assert not Review.objects.exists()
    assert not Bookmark.objects.exists()
    grades = {1: 2, 2: 3, 3: 4}
    mock_interviews.grade_mock_interview(user=member, interview=interview, grades=grades, now=T0)
    with pytest.raises(mock_interviews.AlreadyGraded):
        mock_interviews.grade_mock_interview(user=member, interview=interview, grades=grades)
    assert Review.objects.count() == 3


def test_a_question_hidden_since_keeps_its_grade_but_stays_out_of_practice(member):
    topic = TopicFactory()
    for _ in range(3):
        QuestionFactory(topics=[topic])
    interview = _finished(member, topic)
    hidden = interview.items.get(position=2).question
    Question.objects.filter(pk=hidden.pk).update(status=Status.HIDDEN)
    reviews = mock_interviews.grade_mock_interview(
        user=member, interview=interview, grades={1: 3, 2: 3, 3: 3}, now=T0
    )
    assert len(reviews) == 2
    item = interview.items.get(position=2)
    assert (item.grade, item.review) == (3, None)
    assert not Bookmark.all_objects.filter(question=hidden).exists()


def test_a_question_deleted_mid_interview_is_skipped(client, member):
    for _ in range(4):
        QuestionFactory()
    interview = _start(member, [], count=4)
    interview.items.get(position=2).question.delete()
    _answer(member, interview, 1, T0 + timedelta(minutes=1))
    assert interview.items.get(position=3).started_at == T0 + timedelta(minutes=1)
    client.force_login(member)
    assert "Question 3 of 4" in client.get(interview.get_absolute_url()).content.decode()
