"""A member starts a study plan from /plans/, practises its first day's cards
with the keyboard, changes the deck options and sees the plan's progress, in
Chromium."""

import re

from playwright.sync_api import Page, expect

from study import plans as study_plans
from study.models import Bookmark, Review
from study.models.plans import DeckOptions, StudyPlan, StudyPlanItem
from tests.browser.test_study import log_in
from tests.factories import AIAnswerFactory, QuestionFactory, UserFactory


def followed_plan(member, title: str, questions) -> StudyPlan:
    """A published three-day plan of ``questions`` that ``member`` follows."""
    plan = StudyPlan.objects.create(title=title, slug="calibration", days=3, is_published=True)
    for position, question in enumerate(questions):
        StudyPlanItem.objects.create(plan=plan, question=question, position=position)
    study_plans.start_plan(user=member, plan=plan)
    return plan


def test_start_a_plan_practise_its_first_day_and_change_the_deck_options(page: Page, site):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    member = UserFactory(username="dana")
    plan = StudyPlan.objects.create(
        title="Probability warm-up", slug="probability-warm-up", days=2, is_published=True
    )
    titles = ["What is Bayes' rule?", "What is a prior?", "What is variance?", "What is a PMF?"]
    for position, title in enumerate(titles):
        question = QuestionFactory(title=title)
        AIAnswerFactory(question=question, body=f"An answer about **{title[8:-1]}**.")
        StudyPlanItem.objects.create(plan=plan, question=question, position=position)
    log_in(page, site, "dana")

    page.get_by_role("navigation", name="Browse").get_by_role("link", name="Plans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Study plans")
    page.get_by_role("link", name="Probability warm-up").click()
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="Start this plan").click()
    expect(page.locator(".study-ok")).to_contain_text("You follow “Probability warm-up”")
    expect(page.get_by_text("today is day 1 of 2")).to_be_visible()
    assert page.evaluate("window.__samePage") is True  # htmx swapped the plan in place
    assert Bookmark.objects.filter(user=member).count() == 4

    page.get_by_role("link", name="Practise today's cards").click()
    page.wait_for_load_state()  # practice.js listens for the keys once loaded
    expect(page.locator("#count-new")).to_have_text("2")  # day 1 of 2: half the plan
    for number, title in enumerate(titles[:2]):
        card = page.locator(".practice-card")
        expect(card.locator(".card-title")).to_have_text(title)
        if number:
            expect(card.locator(".card-title")).to_be_focused()
        page.keyboard.press("Space")
        expect(card.locator(".revealed .prose strong")).to_be_visible()
        page.keyboard.press("4")  # Easy: out of today's queue
        expect(page.locator(".study-ok")).to_contain_text("Easy: back in")
    expect(page.get_by_role("heading", name=re.compile("Done for now"))).to_be_visible()
    expect(page.locator(".practice-done")).to_contain_text("The next card is due on")
    expect(page.locator(".practice-done")).to_contain_text("for their coming days")

    page.get_by_role("link", name="Deck options").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deck options")
    page.get_by_label("New cards per day").fill("5")
    page.get_by_label("Desired retention").fill("0.85")
    page.get_by_label("Most asked in interviews first").check()
    page.get_by_role("button", name="Save options").click()
    expect(page.locator(".study-ok")).to_contain_text("Deck options saved")
    options = DeckOptions.objects.get(user=member)
    assert (options.new_per_day, options.new_order) == (5, "asked")
    assert options.desired_retention == 0.85

    page.goto(site + plan.get_absolute_url())
    day_one = page.locator("#day-1")
    expect(day_one).to_contain_text("2 of 2 done")
    expect(day_one.locator(".state-known")).to_have_count(2)
    expect(page.locator("#day-2")).to_contain_text("not yet open")
    assert Review.objects.filter(bookmark__user=member).count() == 2
    assert errors == []
