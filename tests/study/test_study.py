"""Study services: bookmarks and their counters, notes, FSRS scheduling with a
frozen clock, the daily session, progress, and the rules of interview reports."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import fsrs
import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.services import delete_account
from questions.models import Answer, Question, Status
from study import exports as study_exports
from study import scheduling as study_scheduling
from study import selectors as study_selectors
from study import services as study_services
from study.models import Bookmark, Review
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    BookmarkFactory,
    QuestionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def no_fuzz():
    """FSRS adds random fuzz to review intervals; pin it so dates are exact."""
    with mock.patch("fsrs.scheduler.random", return_value=0.5):
        yield


def expected_after(ratings: list[tuple[datetime, int]]) -> fsrs.Card:
    """What the fsrs package itself says a new card becomes after these ratings."""
    scheduler = fsrs.Scheduler()
    card = fsrs.Card(card_id=1, due=ratings[0][0])
    for when, rating in ratings:
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), review_datetime=when)
    return card


def count(question: Question) -> int:
    question.refresh_from_db(fields=["bookmark_count"])
    return question.bookmark_count


# --- Bookmarks --------------------------------------------------------------------------


def test_toggle_bookmark_keeps_the_counter_exact(member, other_member):
    question = QuestionFactory()
    assert study_services.toggle_bookmark(user=member, question=question) is not None
    assert question.bookmark_count == 1  # refreshed on the instance too
    study_services.toggle_bookmark(user=other_member, question=question)
    assert count(question) == 2
    assert study_services.toggle_bookmark(user=member, question=question) is None
    assert count(question) == 1
    assert list(Bookmark.objects.values_list("user__username", flat=True)) == ["bob"]


def test_a_hidden_question_cannot_be_bookmarked_but_an_old_bookmark_can_be_removed(member):
    question = QuestionFactory()
    study_services.toggle_bookmark(user=member, question=question)
    Question.objects.filter(pk=question.pk).update(status=Status.HIDDEN)
    question.refresh_from_db()
    assert study_services.toggle_bookmark(user=member, question=question) is None
    assert count(question) == 0
    with pytest.raises(PermissionDenied):
        study_services.toggle_bookmark(user=member, question=question)
    assert not Bookmark.objects.exists()


def test_removing_a_bookmark_hides_it_everywhere_and_bookmarking_again_restores_it(
    member, other_member
):
    question = QuestionFactory(topics=[TopicFactory(name="Statistics", slug="statistics")])
    bookmark = study_services.toggle_bookmark(user=member, question=question)
    study_services.save_note(user=member, bookmark=bookmark, note="Scale by **1/(1-p)**.")
    study_services.review(user=member, bookmark=bookmark, rating=3, now=T0)
    study_services.toggle_bookmark(user=other_member, question=question)
    bookmark.refresh_from_db()
    card = (bookmark.state, bookmark.due, bookmark.stability)

    assert study_services.toggle_bookmark(user=member, question=question, now=T0) is None
    assert count(question) == 1  # bob's
    # Out of every list, count and export the member sees.
    assert not study_selectors.member_bookmarks(member).exists()
    assert study_exports.export_bookmarks(member) == []
    assert study_selectors.topic_progress(member) == []
    session = study_selectors.practice_session(member, now=T0 + timedelta(days=30))
    assert (session.total, session.due, session.done_today, session.card) == (0, 0, 0, None)
    assert study_selectors.review_chart(member, now=T0).total == 0
    assert study_selectors.question_page_context(question, member)["study_bookmark"] is None
    [row] = study_selectors.with_study_state(Question.objects.filter(pk=question.pk), member)
    assert row.is_bookmarked is False
    assert Bookmark.objects.filter(user=member).count() == 0

    restored = study_services.toggle_bookmark(user=member, question=question)
    assert restored.pk == bookmark.pk
    assert count(question) == 2
    assert restored.note == "Scale by **1/(1-p)**."
    assert "<strong>" in restored.note_html
    assert (restored.state, restored.due, restored.stability) == card
    assert list(restored.reviews.values_list("rating", flat=True)) == [3]
    assert study_selectors.review_chart(member, now=T0).total == 1
    assert study_selectors.practice_session(member, now=T0 + timedelta(days=30)).due == 1


def test_bookmark_topic_adds_only_what_is_missing_and_keeps_notes(member):
    stats = TopicFactory(name="Statistics", slug="statistics")
    owned, *others = [QuestionFactory(topics=[stats]) for _ in range(3)]
    QuestionFactory(topics=[stats], status=Status.PENDING)
    QuestionFactory()  # another topic
    bookmark = study_services.toggle_bookmark(user=member, question=owned)
    study_services.save_note(user=member, bookmark=bookmark, note="keep me")

    assert study_services.bookmark_topic(user=member, topic=stats) == 2
    assert study_services.bookmark_topic(user=member, topic=stats) == 0
    assert Bookmark.objects.filter(user=member).count() == 3
    assert Bookmark.objects.get(pk=bookmark.pk).note == "keep me"
    assert [count(q) for q in (owned, *others)] == [1, 1, 1]


def test_notes_are_rendered_sanitised_and_limited(member, other_member):
    bookmark = BookmarkFactory(user=member)
    study_services.save_note(
        user=member, bookmark=bookmark, note="Use **$L_2$**<script>x()</script>"
    )
    bookmark.refresh_from_db()
    assert "<strong>" in bookmark.note_html
    assert "<math" in bookmark.note_html
    assert "<script" not in bookmark.note_html
    with pytest.raises(study_services.StudyError):
        study_services.save_note(
            user=member, bookmark=bookmark, note="x" * (study_services.NOTE_MAX + 1)
        )
    with pytest.raises(PermissionDenied):
        study_services.save_note(user=other_member, bookmark=bookmark, note="mine now")


def test_account_deletion_takes_the_bookmarks_and_their_counts(member):
    question = QuestionFactory()
    bookmark = study_services.toggle_bookmark(user=member, question=question)
    study_services.review(user=member, bookmark=bookmark, rating=4, now=T0)
    delete_account(user=member)
    assert count(question) == 0
    assert not Bookmark.objects.exists()
    assert not Review.objects.exists()


def test_account_deletion_deletes_removed_bookmarks_for_real(member, other_member):
    kept, removed = QuestionFactory(), QuestionFactory()
    study_services.toggle_bookmark(user=other_member, question=removed)
    for question in (kept, removed):
        bookmark = study_services.toggle_bookmark(user=member, question=question)
        study_services.save_note(user=member, bookmark=bookmark, note="private")
        study_services.review(user=member, bookmark=bookmark, rating=2, now=T0)
    study_services.toggle_bookmark(user=member, question=removed)
    delete_account(user=member)
    assert (count(kept), count(removed)) == (0, 1)  # bob's bookmark still counts
    assert list(Bookmark.all_objects.values_list("user__username", flat=True)) == ["bob"]
    assert not Review.objects.exists()


def test_bookmark_topic_restores_removed_bookmarks_with_their_notes(member):
    stats = TopicFactory(name="Statistics", slug="statistics")
    first, second = QuestionFactory(topics=[stats]), QuestionFactory(topics=[stats])
    bookmark = study_services.toggle_bookmark(user=member, question=first)
    study_services.save_note(user=member, bookmark=bookmark, note="keep me")
    study_services.toggle_bookmark(user=member, question=first)

    assert study_services.bookmark_topic(user=member, topic=stats) == 2
    assert Bookmark.objects.get(question=first).note == "keep me"
    assert [count(q) for q in (first, second)] == [1, 1]


# --- Scheduling (FSRS) --------------------------------------------------------------------


def test_a_first_good_rating_moves_the_card_to_the_next_learning_step(member):
    bookmark = BookmarkFactory(user=member)
    review = study_services.review(
        user=member, bookmark=bookmark, rating=3, now=T0, duration_ms=4200
    )
    bookmark.refresh_from_db()
    expected = expected_after([(T0, 3)])
    assert bookmark.state == Bookmark.CardState.LEARNING == expected.state
    assert bookmark.step == expected.step == 1
    assert bookmark.due == expected.due == T0 + timedelta(minutes=10)
    assert bookmark.stability == pytest.approx(expected.stability)
    assert bookmark.difficulty == pytest.approx(expected.difficulty)
    assert (bookmark.last_review, bookmark.last_rating) == (T0, 3)
    assert (review.rating, review.reviewed_at, review.due_after) == (3, T0, bookmark.due)
    assert review.duration_ms == 4200


def test_round_trip_rate_then_the_card_comes_back_exactly_when_fsrs_says(member, no_fuzz):
    bookmark = BookmarkFactory(user=member)
    assert study_selectors.practice_session(member, now=T0).card == bookmark

    study_services.review(
        user=member, bookmark=bookmark, rating=4, now=T0
    )  # Easy: straight to review
    bookmark.refresh_from_db()
    first = expected_after([(T0, 4)])
    assert bookmark.state == Bookmark.CardState.REVIEW
    assert bookmark.due == first.due
    assert first.due - T0 >= timedelta(days=2)

    # Not before it is due (learning cards may come early; known ones never do) ...
    early = study_selectors.practice_session(member, now=first.due - timedelta(minutes=1))
    assert early.card is None
    assert (early.due, early.next_due) == (0, first.due)
    # ... and exactly when it is.
    session = study_selectors.practice_session(member, now=first.due)
    assert (session.card, session.due) == (bookmark, 1)

    study_services.review(user=member, bookmark=bookmark, rating=3, now=first.due)
    bookmark.refresh_from_db()
    second = expected_after([(T0, 4), (first.due, 3)])
    assert bookmark.due == second.due
    # Remembered again: the interval grows.
    assert second.due - first.due > first.due - T0
    assert list(bookmark.reviews.values_list("rating", flat=True)) == [3, 4]


def test_forgetting_a_known_card_sends_it_back_to_relearning(member, no_fuzz):
    bookmark = BookmarkFactory(user=member)
    study_services.review(user=member, bookmark=bookmark, rating=4, now=T0)
    bookmark.refresh_from_db()
    later = bookmark.due + timedelta(hours=3)
    study_services.review(user=member, bookmark=bookmark, rating=1, now=later)
    bookmark.refresh_from_db()
    assert bookmark.state == Bookmark.CardState.RELEARNING
    assert bookmark.due == later + timedelta(minutes=10)
    # Nothing else to do: the relearning step is shown ahead of time, like Anki.
    assert (
        study_selectors.practice_session(member, now=later + timedelta(minutes=1)).card == bookmark
    )


def test_due_cards_come_before_new_ones_oldest_due_first(member, no_fuzz):
    new = BookmarkFactory(user=member)
    known = [BookmarkFactory(user=member) for _ in range(2)]
    for minutes, bookmark in ((5, known[1]), (0, known[0])):
        study_services.review(
            user=member, bookmark=bookmark, rating=4, now=T0 + timedelta(minutes=minutes)
        )
    far = T0 + timedelta(days=60)
    session = study_selectors.practice_session(member, now=far)
    assert (session.due, session.new_left) == (2, 1)
    assert session.card == known[0]
    study_services.review(user=member, bookmark=known[0], rating=3, now=far)
    study_services.review(user=member, bookmark=known[1], rating=3, now=far)
    assert study_selectors.practice_session(member, now=far).card == new


def test_new_cards_per_day_are_limited(member, settings):
    settings.MLQA_NEW_CARDS_PER_DAY = 2
    bookmarks = [BookmarkFactory(user=member) for _ in range(3)]
    session = study_selectors.practice_session(member, now=T0)
    assert (session.new_left, session.new_total) == (2, 3)
    for bookmark in bookmarks[:2]:
        study_services.review(user=member, bookmark=bookmark, rating=4, now=T0)
    session = study_selectors.practice_session(member, now=T0 + timedelta(hours=1))
    assert (session.card, session.new_left, session.done_today) == (None, 0, 2)
    tomorrow = study_selectors.practice_session(member, now=T0 + timedelta(days=1))
    assert tomorrow.new_left == 1
    assert tomorrow.done_today == 0


def test_a_stale_rating_form_changes_nothing(member):
    bookmark = BookmarkFactory(user=member)
    token = study_scheduling.card_token(bookmark)
    assert study_services.review(user=member, bookmark=bookmark, rating=3, now=T0, seen=token)
    # The same form sent again (double click, second tab): ignored.
    later = T0 + timedelta(seconds=2)
    assert (
        study_services.review(user=member, bookmark=bookmark, rating=1, now=later, seen=token)
        is None
    )
    bookmark.refresh_from_db()
    assert (bookmark.last_rating, Review.objects.count()) == (3, 1)
    assert study_scheduling.card_token(bookmark) == T0.isoformat()


@pytest.mark.parametrize("rating", [0, 5, -1])
def test_a_rating_is_one_to_four(member, rating):
    bookmark = BookmarkFactory(user=member)
    with pytest.raises(study_services.StudyError):
        study_services.review(user=member, bookmark=bookmark, rating=rating, now=T0)
    assert not Review.objects.exists()


def test_nobody_else_can_rate_a_card(member, other_member):
    bookmark = BookmarkFactory(user=member)
    with pytest.raises(PermissionDenied):
        study_services.review(user=other_member, bookmark=bookmark, rating=3, now=T0)


def test_the_review_rating_constraint_holds_in_the_database(member):
    bookmark = BookmarkFactory(user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(bookmark=bookmark, rating=7, reviewed_at=T0, due_after=T0)


def test_next_interval_previews_follow_the_ratings(member):
    bookmark = BookmarkFactory(user=member)
    previews = study_scheduling.next_intervals(bookmark, T0)
    assert [(value, label) for value, label, _ in previews] == [
        (1, "Again"),
        (2, "Hard"),
        (3, "Good"),
        (4, "Easy"),
    ]
    assert [when for _, _, when in previews][:3] == ["1 min", "6 min", "10 min"]
    assert previews[3][2].endswith(" d")


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "1 min"),
        (timedelta(minutes=10), "10 min"),
        (timedelta(hours=5), "5 h"),
        (timedelta(days=3), "3 d"),
        (timedelta(days=90), "3 mo"),
        (timedelta(days=730), "2 y"),
        (timedelta(days=550), "1.5 y"),
    ],
)
def test_intervals_read_like_anki(delta, text):
    assert study_scheduling.humanize_interval(delta) == text


def test_the_session_best_answer_is_the_moderators_pick_then_the_top_score(member):
    question = QuestionFactory()
    AIAnswerFactory(question=question)
    top = AnswerFactory(question=question)
    Answer.objects.filter(pk=top.pk).update(score=3, upvotes=3)
    BookmarkFactory(user=member, question=question)
    assert study_selectors.practice_session(member, now=T0).card.best_answer == top
    featured = AIAnswerFactory(question=question, is_featured=True)
    assert study_selectors.practice_session(member, now=T0).card.best_answer == featured


def test_hidden_questions_leave_the_session_and_the_counts(member):
    BookmarkFactory(user=member, question=QuestionFactory(status=Status.HIDDEN))
    session = study_selectors.practice_session(member, now=T0)
    assert (session.card, session.total) == (None, 0)
