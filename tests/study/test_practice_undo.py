"""Undo the last rating: one step, the card's exact prior state, no log entry left;
over HTTP both ways, and never someone else's rating (frozen clock)."""

from datetime import timedelta
from unittest import mock

import pytest

from study import checking
from study import services as study_services
from study.cardstate import CARD_FIELDS
from study.models import Bookmark, Review
from tests.factories import AIAnswerFactory, BookmarkFactory, QuestionFactory
from tests.study.test_views import HTMX, T0, html

pytestmark = pytest.mark.django_db


def card(bookmark: Bookmark) -> dict:
    """Every field of the card as stored, read back from the database."""
    return dict(Bookmark.all_objects.filter(pk=bookmark.pk).values(*CARD_FIELDS).get())


def log(bookmark: Bookmark) -> list[tuple]:
    return list(
        Review.objects.filter(bookmark=bookmark)
        .order_by("reviewed_at")
        .values_list("pk", "rating", "reviewed_at", "due_after", "duration_ms")
    )


def test_undo_restores_a_new_card_and_removes_the_log_entry(alice):
    bookmark = BookmarkFactory(user=alice)
    review = study_services.review(user=alice, bookmark=bookmark, rating=3, now=T0)
    assert card(bookmark)["state"] is not None

    checking.undo_review(user=alice, review=review)

    assert card(bookmark) == dict.fromkeys(CARD_FIELDS)
    assert log(bookmark) == []


def test_undo_restores_every_field_of_a_practised_card_exactly(alice):
    bookmark = BookmarkFactory(user=alice)
    study_services.review(user=alice, bookmark=bookmark, rating=3, now=T0, duration_ms=4000)
    study_services.review(user=alice, bookmark=bookmark, rating=1, now=T0 + timedelta(days=1))
    study_services.review(user=alice, bookmark=bookmark, rating=4, now=T0 + timedelta(days=2))
    before, history = card(bookmark), log(bookmark)
    assert before["state"] == Bookmark.CardState.REVIEW
    assert before["stability"]

    last = study_services.review(
        user=alice, bookmark=bookmark, rating=2, now=T0 + timedelta(days=9), typed_answer="x"
    )
    assert card(bookmark) != before
    checking.undo_review(user=alice, review=last)

    assert card(bookmark) == before  # state, step, stability, difficulty, due, last review, rating
    assert log(bookmark) == history
    # Rated again after the undo, the card is scheduled from the restored state.
    again = study_services.review(
        user=alice, bookmark=bookmark, rating=2, now=T0 + timedelta(days=9)
    )
    assert again.prior_card["stability"] == before["stability"]


def test_only_the_last_rating_can_be_undone(alice):
    first, second = BookmarkFactory(user=alice), BookmarkFactory(user=alice)
    older = study_services.review(user=alice, bookmark=first, rating=3, now=T0)
    study_services.review(user=alice, bookmark=second, rating=3, now=T0 + timedelta(minutes=1))
    with pytest.raises(checking.CannotUndo, match="Only your last rating"):
        checking.undo_review(user=alice, review=older)
    assert Review.objects.count() == 2


def test_another_members_rating_cannot_be_undone(alice, other_member):
    bookmark = BookmarkFactory(user=other_member)
    review = study_services.review(user=other_member, bookmark=bookmark, rating=3, now=T0)
    with pytest.raises(checking.CannotUndo):
        checking.undo_review(user=alice, review=review)
    assert Review.objects.filter(pk=review.pk).exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_undo_over_http_brings_the_card_back_once(client, alice, htmx):
    question = QuestionFactory(title="What is a learning rate warm-up?")
    AIAnswerFactory(question=question)
    bookmark = BookmarkFactory(user=alice, question=question)
    headers = HTMX if htmx else {}
    with mock.patch("django.utils.timezone.now", return_value=T0):
        page = html(client.get("/practice/"))
        assert "Undo the last rating" not in page
        client.post(f"/practice/{bookmark.pk}/review/", {"rating": "3"}, headers=headers)
        page = html(client.get("/practice/"))
        assert "Undo the last rating" in page
        review = Review.objects.get()
        assert f'name="review" value="{review.pk}"' in page

        response = client.post("/practice/undo/", {"review": review.pk}, headers=headers)
        if htmx:
            assert response.status_code == 200
            page = html(response)
        else:
            assert response.status_code == 302
            assert response["Location"] == "/practice/"
            page = html(client.get("/practice/"))
        assert "Undid “Good” on “What is a learning rate warm-up?”" in page
        assert "What is a learning rate warm-up?" in page  # the card, back as new
        assert "Undo the last rating" not in page
        assert card(bookmark) == dict.fromkeys(CARD_FIELDS)
        assert not Review.objects.exists()

        again = client.post("/practice/undo/", {"review": review.pk}, headers=headers)
        assert again.status_code == 404  # the log entry is gone


def test_a_second_undo_is_refused_with_a_message(client, alice):
    first, second = BookmarkFactory(user=alice), BookmarkFactory(user=alice)
    client.post(f"/practice/{first.pk}/review/", {"rating": "3"})
    older = Review.objects.get()
    client.post(f"/practice/{second.pk}/review/", {"rating": "3"})
    newer = Review.objects.exclude(pk=older.pk).get()
    assert client.post("/practice/undo/", {"review": newer.pk}).status_code == 302
    # One step only: the rating before it stays.
    response = client.post("/practice/undo/", {"review": older.pk}, headers=HTMX)
    assert response.status_code == 409
    assert "Only your last rating can be undone, once." in html(response)
    assert Review.objects.filter(pk=older.pk).exists()


def test_undo_of_someone_elses_rating_is_a_404(client, alice, other_member):
    bookmark = BookmarkFactory(user=other_member)
    review = study_services.review(user=other_member, bookmark=bookmark, rating=3)
    assert client.post("/practice/undo/", {"review": review.pk}).status_code == 404
    assert client.post("/practice/undo/", {"review": "nope"}).status_code == 400
    assert Review.objects.filter(pk=review.pk).exists()


def test_the_undo_key_clicks_the_undo_button(client, alice):
    """practice.js maps U to the button the page shows (the browser test presses it)."""
    bookmark = BookmarkFactory(user=alice)
    client.post(f"/practice/{bookmark.pk}/review/", {"rating": "1"})
    page = html(client.get("/practice/"))
    assert 'class="undo-button"' in page
    assert "<kbd>U</kbd> undoes the last rating" in page
