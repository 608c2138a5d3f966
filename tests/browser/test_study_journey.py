"""A candidate's study day in Chromium, end to end: start a plan, practise two
cards typing the answers with the keyboard, undo one rating, rehearse a
3-question mock interview, and see the year's heatmap count every review."""

import re

from playwright.sync_api import Page, expect

from study.models import Review
from study.models.plans import StudyPlan, StudyPlanItem
from tests.browser.test_study import log_in
from tests.factories import AIAnswerFactory, QuestionFactory, TopicFactory, UserFactory

QUESTIONS = {
    "What is Bayes' rule?": "It turns a **likelihood** and a prior into a posterior.",
    "What is a prior?": "What you believe **before** seeing the data.",
    "What is variance?": "The expected squared **deviation** from the mean.",
    "What is a PMF?": "The **probability** of each value of a discrete variable.",
}


def test_a_plan_typed_practice_undo_a_mock_interview_and_the_heatmap(page: Page, site):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    member = UserFactory(username="dana")
    topic = TopicFactory(name="Probability", slug="probability")
    plan = StudyPlan.objects.create(
        title="Probability warm-up", slug="probability-warm-up", days=2, is_published=True
    )
    for position, (title, answer) in enumerate(QUESTIONS.items()):
        question = QuestionFactory(title=title, topics=[topic])
        AIAnswerFactory(question=question, body=answer)
        StudyPlanItem.objects.create(plan=plan, question=question, position=position)
    log_in(page, site, "dana")

    # A plan: its first day opens two of its four cards.
    page.get_by_role("navigation", name="Browse").get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="Probability warm-up").click()
    page.get_by_role("button", name="Start this plan").click()
    expect(page.locator(".study-ok")).to_contain_text("You follow “Probability warm-up”")
    page.get_by_role("link", name="Practise today's cards").click()
    page.wait_for_load_state()  # practice.js listens for the keys once loaded
    expect(page.locator("#count-new")).to_have_text("2")

    # Two cards, answers typed; the second rating is undone.
    page.get_by_role("button", name="Type my answers").click()
    card = page.locator(".practice-card")
    expect(card.locator(".card-title")).to_have_text("What is Bayes' rule?")
    expect(card.get_by_label("Your answer")).to_be_focused()
    page.keyboard.type("A posterior from the likelihood and the prior.")
    page.keyboard.press("Control+Enter")
    expect(card.locator(".answer-check")).to_contain_text("1 of 1 mentioned")
    page.keyboard.press("3")
    expect(page.locator(".study-ok")).to_contain_text("Good: back in")

    expect(card.locator(".card-title")).to_have_text("What is a prior?")
    expect(card.get_by_label("Your answer")).to_be_focused()
    page.keyboard.type("No idea.")
    page.keyboard.press("Control+Enter")
    expect(card.locator(".answer-check")).to_contain_text("0 of 1 mentioned")
    page.keyboard.press("1")
    expect(page.locator(".study-ok")).to_contain_text("Again: back in")
    expect(card.get_by_label("Your answer")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("u")
    expect(page.locator(".study-ok")).to_contain_text("Undid “Again” on “What is a prior?”")
    reviews = Review.objects.filter(bookmark__user=member)
    assert list(reviews.values_list("rating", "typed_answer")) == [
        (3, "A posterior from the likelihood and the prior.")
    ]
    expect(page.locator('.heatmap rect[data-count="1"]')).to_have_count(1)

    # A mock interview of three questions from the topic, by keyboard.
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Mock interview"
    ).click()
    page.get_by_label("Probability").check()
    page.get_by_label("Questions", exact=True).fill("3")
    page.get_by_label("Questions", exact=True).press("Enter")
    page.wait_for_load_state()  # mock.js listens for the keys once loaded
    for number in (1, 2, 3):
        expect(page.locator(".mock-progress")).to_have_text(f"Question {number} of 3")
        if number > 1:
            expect(page.locator("#mock-title")).to_be_focused()
        if number == 1:
            page.keyboard.press("a")
            expect(page.get_by_label(re.compile("Your answer"))).to_be_focused()
            page.keyboard.type("Something about beliefs.")
            page.keyboard.press("Control+Enter")
        else:
            page.keyboard.press("Enter")  # answered aloud
    expect(page.get_by_role("heading", name="Summary")).to_be_focused()
    for key in ("3", "4", "2"):
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    expect(page.locator(".study-ok")).to_have_text("Graded: 3 reviews added to your practice.")
    assert reviews.count() == 4

    # The year counts today's four reviews: one practised, three rehearsed.
    page.goto(site + "/practice/")
    today = page.locator('.heatmap rect[data-count="4"]')
    expect(today).to_have_count(1)
    expect(page.locator("#streak-current")).to_have_text("1 day")
    expect(page.locator(".heatmap")).to_contain_text(re.compile(r"4 reviews"))
    assert errors == []
