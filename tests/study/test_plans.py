"""Study plans over HTTP: the list, a plan's page, starting and leaving one,
the pace at which its questions join practice (frozen clock), progress per day,
the admin where moderators build plans, and query counts that stay flat."""

import re
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from questions.models import Status
from study import plans as study_plans
from study import selectors as study_selectors
from study import services as study_services
from study.models import Bookmark
from study.models.plans import PlanCard, StudyPlan, StudyPlanItem
from tests.factories import BookmarkFactory, QuestionFactory, UserFactory
from tests.study.test_views import HTMX, T0, html, is_fragment

pytestmark = pytest.mark.django_db


def make_plan(titles, *, days=3, slug="warm-up", title="Probability warm-up", published=True):
    plan = StudyPlan.objects.create(
        title=title, slug=slug, days=days, is_published=published, description="Ten minutes a day."
    )
    for position, name in enumerate(titles):
        StudyPlanItem.objects.create(
            plan=plan, question=QuestionFactory(title=name), position=10 * (position + 1)
        )
    return plan


@contextmanager
def clock(when):
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def card_title(body: str) -> str | None:
    match = re.search(r'id="card-title"[^>]*>([^<]*)<', body)
    return match.group(1) if match else None


def new_today(body: str) -> int:
    return int(re.search(r'id="count-new">(\d+)<', body).group(1))


FIVE = ["Q1 Bayes", "Q2 Priors", "Q3 Variance", "Q4 Markov", "Q5 Entropy"]


def test_the_plans_page_lists_published_plans_for_everyone(client):
    make_plan(FIVE, days=14, title="ML fundamentals in 14 days", slug="ml-fundamentals")
    make_plan(["Draft only"], slug="draft", title="Unfinished plan", published=False)
    body = html(client.get("/plans/"))
    assert "ML fundamentals in 14 days" in body
    assert "5 questions in 14 days" in body
    assert "Unfinished plan" not in body
    assert client.get("/plans/draft/").status_code == 404
    page = html(client.get("/plans/ml-fundamentals/"))
    assert "Log in to start this plan" in page
    assert page.index("Q1 Bayes") < page.index("Q5 Entropy")
    # Visitors are sent to log in when they post.
    response = client.post("/plans/ml-fundamentals/start/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Bookmark.objects.exists()


def test_starting_a_plan_bookmarks_its_questions_and_paces_them_by_day(client, alice):
    plan = make_plan(FIVE, days=3)
    hidden = StudyPlanItem.objects.create(
        plan=plan, question=QuestionFactory(title="Hidden one", status=Status.HIDDEN), position=99
    )
    with clock(T0):
        body = html(client.get(plan.get_absolute_url()))
        assert "Start this plan" in body
        response = client.post(f"/plans/{plan.slug}/start/")
    assert (response.status_code, response["Location"]) == (302, plan.get_absolute_url())
    assert set(Bookmark.objects.filter(user=alice).values_list("question__title", flat=True)) == (
        set(FIVE)
    )
    assert hidden.question.bookmark_count == 0
    with clock(T0):
        page = html(client.get(plan.get_absolute_url()))
    assert "You follow “Probability warm-up”: 5 questions in your bookmarks" in page
    assert "today is day 1 of 3" in page
    # Five questions over three days: two, two, then one.
    days = [
        (day.number, [q.title for q, _ in day.questions])
        for day in study_plans.plan_progress(plan, alice, now=T0).days
    ]
    assert days == [(1, FIVE[:2]), (2, FIVE[2:4]), (3, FIVE[4:])]

    # Day 1: only the first day's questions may be learned.
    with clock(T0 + timedelta(hours=3)):
        body = html(client.get("/practice/"))
    assert new_today(body) == 2
    assert card_title(body) == "Q1 Bayes"
    # Day 2, nothing practised yet: four are open.
    with clock(T0 + timedelta(days=1)):
        assert new_today(html(client.get("/practice/"))) == 4
    # Day 3 just after midnight (the site's time zone): all five.
    midnight = T0.replace(hour=0) + timedelta(days=2, minutes=1)
    with clock(midnight - timedelta(minutes=2)):
        assert new_today(html(client.get("/practice/"))) == 4
    with clock(midnight):
        assert new_today(html(client.get("/practice/"))) == 5


def test_plan_cards_arrive_within_the_new_cards_a_day_and_others_wait_their_day(client, alice):
    loose = BookmarkFactory(user=alice, question=QuestionFactory(title="Loose bookmark"))
    plan = make_plan(FIVE, days=5)
    with clock(T0):
        study_plans.start_plan(user=alice, plan=plan)
        session = study_selectors.practice_session(alice, now=T0)
    # Day 1 opens one plan card; the loose bookmark was never in a plan.
    assert (session.new_total, session.new_ready) == (6, 2)
    assert session.card.question.title == "Q1 Bayes"  # plan order first
    for bookmark in Bookmark.objects.filter(user=alice, question__title__in=["Q1 Bayes"]):
        study_services.review(user=alice, bookmark=bookmark, rating=4, now=T0)
    with clock(T0):
        body = html(client.get("/practice/"))
    assert card_title(body) == "Loose bookmark"
    study_services.review(user=alice, bookmark=loose, rating=4, now=T0)
    with clock(T0 + timedelta(minutes=5)):
        body = html(client.get("/practice/"))
    # Nothing more today: the plan's other questions wait for their day.
    assert card_title(body) is None
    assert "Done for now" in body
    assert "Your study plans hold more questions for their coming days" in body


def test_the_plan_page_shows_progress_per_day(client, alice):
    plan = make_plan(FIVE, days=3)
    with clock(T0):
        client.post(f"/plans/{plan.slug}/start/")
    first, second = (Bookmark.objects.get(user=alice, question__title=title) for title in FIVE[:2])
    study_services.review(user=alice, bookmark=first, rating=4, now=T0)  # known
    study_services.review(user=alice, bookmark=second, rating=3, now=T0)  # learning
    with clock(T0 + timedelta(days=1)):
        body = html(client.get(plan.get_absolute_url()))
    assert "today is day 2 of 3" in body
    assert '3 new</span>, <span class="state-learning-text">1 learning</span>' in body
    assert "1 known</span>: 2 done." in body
    day_one = body[body.index('id="day-1"') : body.index('id="day-2"')]
    assert "2 of 2 done" in day_one
    assert "Known" in day_one
    assert "Learning" in day_one
    day_three = body[body.index('id="day-3"') :]
    assert "Wed 4 Mar" in day_three
    assert "not yet open" in day_three
    # The list says how far along the member is.
    with clock(T0 + timedelta(days=1)):
        listing = html(client.get("/plans/"))
    assert "day 2 of 3 · 2 of 5 practised" in listing


def test_start_and_leave_with_htmx_swap_the_plan_and_refusals_are_readable(client, alice):
    plan = make_plan(FIVE, days=3)
    with clock(T0):
        response = client.post(f"/plans/{plan.slug}/start/", headers=HTMX)
    assert response.status_code == 200
    assert is_fragment(response)
    assert "today is day 1 of 3" in html(response)
    again = client.post(f"/plans/{plan.slug}/start/", headers=HTMX)
    assert again.status_code == 400
    assert "You already follow “Probability warm-up”." in html(again)
    plain = client.post(f"/plans/{plan.slug}/start/")
    assert plain.status_code == 400
    assert "You already follow" in html(plain)
    # Unknown and unpublished plans are a 404.
    make_plan(["Draft only"], slug="draft", published=False)
    assert client.post("/plans/draft/start/").status_code == 404
    assert client.post("/plans/nope/start/").status_code == 404
    assert client.get(f"/plans/{plan.slug}/start/").status_code == 405
    empty = StudyPlan.objects.create(title="Empty", slug="empty", days=2, is_published=True)
    assert client.post(f"/plans/{empty.slug}/start/").status_code == 400

    left = client.post(f"/plans/{plan.slug}/leave/", headers=HTMX)
    assert left.status_code == 200
    assert is_fragment(left)
    assert "You left “Probability warm-up”. Its questions stay in your bookmarks." in html(left)
    assert "Start this plan" in html(left)
    assert not PlanCard.objects.exists()
    assert Bookmark.objects.filter(user=alice).count() == 5
    # Out of the plan, every card is an ordinary new card again.
    with clock(T0):
        assert new_today(html(client.get("/practice/"))) == 5


def test_starting_again_after_removing_a_bookmark_restores_its_note(client, alice):
    plan = make_plan(FIVE[:2], days=2)
    bookmark = BookmarkFactory(user=alice, question=plan.items.first().question)
    study_services.save_note(user=alice, bookmark=bookmark, note="use Bayes' rule")
    study_services.toggle_bookmark(user=alice, question=bookmark.question)
    client.post(f"/plans/{plan.slug}/start/")
    bookmark.refresh_from_db()
    assert bookmark.removed_at is None
    assert bookmark.note == "use Bayes' rule"
    assert Bookmark.all_objects.filter(user=alice).count() == 2


def test_other_members_plans_stay_their_own(client, alice):
    plan = make_plan(FIVE, days=3)
    bob = UserFactory(username="bob")
    with clock(T0):
        study_plans.start_plan(user=bob, plan=plan)
        body = html(client.get(plan.get_absolute_url()))
    assert "Start this plan" in body
    assert "Your progress" not in body
    assert not Bookmark.objects.filter(user=alice).exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_plan_pages_and_practice_queries_do_not_grow_with_data(client, alice):
    def data(n: int, prefix: str):
        plan = make_plan([f"{prefix} {i}" for i in range(n)], days=7, slug=prefix, title=prefix)
        with clock(T0):
            study_plans.start_plan(user=alice, plan=plan)
        for bookmark in Bookmark.objects.filter(user=alice, question__title__startswith=prefix)[
            : n // 2
        ]:
            study_services.review(user=alice, bookmark=bookmark, rating=3, now=T0)
        make_plan([f"{prefix} other {i}" for i in range(n)], slug=f"{prefix}-x", title=prefix)

    data(2, "small")
    urls = ["/plans/", "/plans/small/", "/plans/small-x/", "/practice/"]
    with clock(T0 + timedelta(days=1)):
        small = [_queries(client, url) for url in urls]
    data(30, "large")
    urls[1:3] = ["/plans/large/", "/plans/large-x/"]
    with clock(T0 + timedelta(days=1)):
        large = [_queries(client, url) for url in urls]
    assert small == large
    client.logout()
    assert _queries(client, "/plans/") <= 4


def test_moderators_build_plans_in_the_admin(client, moderator):
    question = QuestionFactory(title="What is a p-value?")
    client.force_login(moderator)
    assert client.get("/admin/study/studyplan/").status_code == 200
    response = client.post(
        "/admin/study/studyplan/add/",
        {
            "title": "Statistics sprint",
            "slug": "statistics-sprint",
            "description": "",
            "days": "7",
            "is_published": "on",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-position": "1",
            "items-0-question": str(question.pk),
        },
    )
    assert response.status_code == 302
    plan = StudyPlan.objects.get(slug="statistics-sprint")
    assert list(plan.items.values_list("question__title", flat=True)) == ["What is a p-value?"]
    changelist = html(client.get("/admin/study/studyplan/?q=p-value"))
    assert "Statistics sprint" in changelist
    assert client.get(f"/admin/study/studyplan/{plan.pk}/change/").status_code == 200
    # A plan is unpublished, never deleted, by a moderator.
    assert client.get(f"/admin/study/studyplan/{plan.pk}/delete/").status_code == 403


def test_the_demo_has_plans_and_the_demo_member_follows_one(client, demo_data):
    body = html(client.get("/plans/"))
    assert "ML fundamentals in 14 days" in body
    assert "Probability warm-up" in body
    demo = UserFactory._meta.model.objects.get(username="demo")
    client.force_login(demo)
    page = html(client.get("/plans/probability-warm-up/"))
    assert "Your progress" in page
    assert "today is day 1 of 5" in page
