"""Deck options: the settings page and its validation, desired retention reaching
FSRS (the due dates FSRS itself computes), the daily limits of new cards and
reviews, the order of new cards, and the done-for-now screen."""

import re
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import fsrs
import pytest

from study import plans as study_plans
from study import selectors as study_selectors
from study import services as study_services
from study.models import Bookmark
from study.models.plans import DeckOptions
from study.scheduling import humanize_interval
from tests.factories import BookmarkFactory, QuestionFactory, UserFactory, VerifiedUserFactory
from tests.study.test_plans import FIVE, card_title, make_plan, new_today
from tests.study.test_views import HTMX, T0, html, is_fragment

pytestmark = pytest.mark.django_db

OPTIONS = {
    "new_per_day": "20",
    "max_reviews_per_day": "200",
    "desired_retention": "0.90",
    "new_order": "plan",
}


@contextmanager
def clock(when):
    with (
        mock.patch("django.utils.timezone.now", return_value=when),
        mock.patch("fsrs.scheduler.random", return_value=0.5),
    ):
        yield


def save(client, **changes):
    return client.post("/practice/options/", {**OPTIONS, **changes})


def test_deck_options_are_reachable_from_practice_and_the_account_settings(client, alice):
    assert 'href="/practice/options/"' in html(client.get("/practice/"))
    assert 'href="/practice/options/"' in html(client.get("/settings/"))
    page = html(client.get("/practice/options/"))
    assert 'name="desired_retention"' in page
    assert 'value="0.9"' in page  # the site's default until the member saves
    assert 'value="plan" checked' in page
    client.logout()
    assert "/accounts/login/" in client.get("/practice/options/")["Location"]


def test_saving_options_redirects_to_practice_and_keeps_them(client, alice):
    response = save(client, new_per_day="3", max_reviews_per_day="50", desired_retention="0.85")
    assert (response.status_code, response["Location"]) == (302, "/practice/")
    assert "Deck options saved" in html(client.get("/practice/"))
    options = DeckOptions.objects.get(user=alice)
    assert (options.new_per_day, options.max_reviews_per_day) == (3, 50)
    assert options.desired_retention == pytest.approx(0.85)
    page = html(client.get("/practice/options/"))
    assert 'value="0.85"' in page
    assert 'value="3"' in page
    # As a percentage too.
    save(client, desired_retention="95%")
    assert DeckOptions.objects.get(user=alice).desired_retention == pytest.approx(0.95)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"desired_retention": "0.69"}, "Desired retention is between 0.70 and 0.97"),
        ({"desired_retention": "0.98"}, "Desired retention is between 0.70 and 0.97"),
        ({"desired_retention": "1"}, "Desired retention is between 0.70 and 0.97"),
        ({"desired_retention": "lots"}, "Desired retention is between 0.70 and 0.97"),
        ({"new_per_day": "-1"}, "New cards per day is a whole number from 0 to 500."),
        ({"new_per_day": "2.5"}, "New cards per day is a whole number from 0 to 500."),
        ({"max_reviews_per_day": "10000"}, "Maximum reviews per day is a whole number"),
        ({"new_order": "alphabetical"}, "Choose an order of new cards from the list."),
    ],
)
def test_out_of_range_options_are_a_400_that_keeps_what_was_typed(client, alice, changes, message):
    response = save(client, **changes)
    assert response.status_code == 400
    body = html(response)
    assert message in body
    assert 'id="deck-options"' in body  # the form again, to correct
    assert not DeckOptions.objects.filter(user=alice).exists()
    fragment = client.post("/practice/options/", {**OPTIONS, **changes}, headers=HTMX)
    assert fragment.status_code == 400
    assert is_fragment(fragment)
    assert message in html(fragment)


def test_options_with_htmx_swap_the_form(client, alice):
    response = client.post("/practice/options/", {**OPTIONS, "new_per_day": "7"}, headers=HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert "Deck options saved" in html(response)
    assert DeckOptions.objects.get(user=alice).new_per_day == 7


@pytest.mark.parametrize("retention", [0.75, 0.95])
def test_desired_retention_reaches_the_fsrs_scheduler(client, alice, retention):
    """The due date after a rating is the one FSRS computes for that retention."""
    bookmark = BookmarkFactory(user=alice)
    save(client, desired_retention=str(retention))
    with clock(T0):
        client.post(f"/practice/{bookmark.pk}/review/", {"rating": "4", "seen": "new"})
    with clock(T0 + timedelta(days=20)):
        # Twenty days on, the session saved at T0 (practice keeps "undo" in it) has
        # expired: sign in again, as the member would.
        client.force_login(alice)
        bookmark.refresh_from_db()
        client.post(
            f"/practice/{bookmark.pk}/review/",
            {"rating": "3", "seen": bookmark.last_review.isoformat()},
        )
    bookmark.refresh_from_db()

    with mock.patch("fsrs.scheduler.random", return_value=0.5):
        scheduler = fsrs.Scheduler(desired_retention=retention)
        card, _ = scheduler.review_card(fsrs.Card(), fsrs.Rating.Easy, review_datetime=T0)
        card, _ = scheduler.review_card(
            card, fsrs.Rating.Good, review_datetime=T0 + timedelta(days=20)
        )
        default, _ = fsrs.Scheduler().review_card(fsrs.Card(), fsrs.Rating.Easy, review_datetime=T0)
    assert bookmark.due == card.due
    assert bookmark.stability == pytest.approx(card.stability)
    assert bookmark.reviews.count() == 2
    # And it is not FSRS's default retention.
    first_due = bookmark.reviews.order_by("reviewed_at").first().due_after
    assert first_due != default.due
    assert (first_due > default.due) == (retention < 0.9)


def test_the_interval_previews_follow_the_desired_retention(client, alice):
    BookmarkFactory(user=alice)
    with clock(T0):
        before = html(client.get("/practice/"))
        save(client, desired_retention="0.70")
        after = html(client.get("/practice/"))

    def easy(body):
        return re.search(r'rating-4">.*?rating-next">([^<]+)<', body, re.S).group(1)

    expected, _ = fsrs.Scheduler(desired_retention=0.7, enable_fuzzing=False).review_card(
        fsrs.Card(), fsrs.Rating.Easy, review_datetime=T0
    )
    assert easy(before) != easy(after)
    assert easy(after) == humanize_interval(expected.due - T0)  # 77 days: "3 mo"


def test_new_cards_per_day_are_honoured_and_more_can_be_added(client, alice):
    for n in range(5):
        BookmarkFactory(user=alice, question=QuestionFactory(title=f"Card {n}"))
    save(client, new_per_day="2")
    with clock(T0):
        body = html(client.get("/practice/"))
        assert new_today(body) == 2
        for _ in range(2):
            bookmark = Bookmark.objects.get(user=alice, question__title=card_title(body))
            client.post(f"/practice/{bookmark.pk}/review/", {"rating": "4", "seen": "new"})
            body = html(client.get("/practice/"))
    assert card_title(body) is None
    assert "Done for now. Well done!" in body
    assert "3 new cards wait for tomorrow (up to 2 new a day)." in body
    assert "The next card is due on" in body
    assert 'action="/practice/more/"' in body

    with clock(T0 + timedelta(minutes=1)):
        response = client.post("/practice/more/", {"count": "5"}, headers=HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert "5 more new cards today." in html(response)
    assert new_today(html(response)) == 3
    assert card_title(html(response)) == "Card 2"
    # Tomorrow the extra ones are gone: back to two a day.
    with clock(T0 + timedelta(days=1)):
        assert new_today(html(client.get("/practice/"))) == 2
    with clock(T0 + timedelta(days=1)):  # the session saved at T0 is still valid
        for count in ("0", "101", "many", ""):
            assert client.post("/practice/more/", {"count": count}).status_code == 400
        refused = html(client.post("/practice/more/", {"count": "0"}))
    assert "Extra new cards is a whole number from 1 to 100." in refused


def test_maximum_reviews_per_day_stops_practice_until_tomorrow(client, alice):
    for n in range(3):
        BookmarkFactory(user=alice, question=QuestionFactory(title=f"Card {n}"))
    save(client, max_reviews_per_day="2")
    with clock(T0):
        for _ in range(2):
            body = html(client.get("/practice/"))
            bookmark = Bookmark.objects.get(user=alice, question__title=card_title(body))
            client.post(f"/practice/{bookmark.pk}/review/", {"rating": "1"})
    with clock(T0 + timedelta(hours=1)):
        body = html(client.get("/practice/"))
    # Both cards are due again (rated Again) and one is new, yet the limit holds.
    assert card_title(body) is None
    assert "Done for today" in body
    assert "You rated 2 cards today, your limit of 2 a day." in body
    with clock(T0 + timedelta(days=1)):
        assert card_title(html(client.get("/practice/"))) is not None


def test_order_of_new_cards(client, alice):
    plan = make_plan(FIVE, days=1)
    loose = BookmarkFactory(user=alice, question=QuestionFactory(title="Loose, bookmarked first"))
    Bookmark.objects.filter(pk=loose.pk).update(created_at=T0 - timedelta(days=9))
    with clock(T0):
        study_plans.start_plan(user=alice, plan=plan)
    asked = Bookmark.objects.get(user=alice, question__title="Q4 Markov").question
    for _ in range(2):
        # Verified members: an unverified member's report is held and counts nowhere.
        study_services.report_asked(user=VerifiedUserFactory(), question=asked, company="Acme")

    with clock(T0):
        assert card_title(html(client.get("/practice/"))) == "Q1 Bayes"  # plan order
        save(client, new_order="asked")
        assert card_title(html(client.get("/practice/"))) == "Q4 Markov"
        save(client, new_order="random")
        shuffled = card_title(html(client.get("/practice/")))
        # A fixed shuffle: the same card on every visit.
        assert card_title(html(client.get("/practice/"))) == shuffled
    order_for = {}
    for member in [alice, *(UserFactory() for _ in range(6))]:
        if member != alice:
            for question in [b.question for b in Bookmark.objects.filter(user=alice)]:
                BookmarkFactory(user=member, question=question)
            DeckOptions.objects.create(user=member, new_order="random")
        order_for[member.pk] = study_selectors.practice_session(member, now=T0).card.question.title
    # Members do not all get the same "random" first card.
    assert len(set(order_for.values())) > 1
