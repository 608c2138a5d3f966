"""A candidate rehearses a 3-question mock interview with the keyboard alone, in
Chromium: choose the topic, answer against the countdown, grade into practice."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from study import mock as mock_interviews
from study.models import Bookmark, MockInterview, MockQuestion, Review
from tests.browser.axe import BLOCKING, audit, describe, require_axe
from tests.browser.test_study import log_in
from tests.factories import AIAnswerFactory, QuestionFactory, TopicFactory, UserFactory

# Only the injected axe script needs this: see tests/browser/axe.py.
pytestmark = pytest.mark.browser_context_args(bypass_csp=True)
CLOCK = re.compile(r"^\d+:\d\d$")


def _no_serious_problems(page: Page, label: str) -> None:
    violations = [v for v in audit(page) if v["impact"] in BLOCKING]
    assert not violations, describe(label, violations)


def test_finish_a_three_question_mock_interview_with_the_keyboard(page: Page, site):
    require_axe()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    member = UserFactory(username="erin")
    topic = TopicFactory(name="Statistics", slug="statistics")
    TopicFactory(name="Vision", slug="vision")
    QuestionFactory(title="What is a convolution?", topics=[TopicFactory(slug="vision")])
    titles = {
        "What is a p-value?": "The chance of data this **extreme** under the null.",
        "Why bootstrap?": "To estimate a **sampling** distribution.",
        "What is the bias-variance trade-off?": "Simpler models **underfit**.",
    }
    for title, answer in titles.items():
        AIAnswerFactory(question=QuestionFactory(title=title, topics=[topic]), body=answer)
    log_in(page, site, "erin")

    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name="Mock interview"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mock interview")
    _no_serious_problems(page, "/mock/")
    page.get_by_label("Statistics").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Statistics")).to_be_checked()
    page.get_by_label("Questions", exact=True).focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")  # submits the form

    expect(page.locator(".mock-progress")).to_have_text("Question 1 of 3")
    clock = page.locator("#mock-clock .clock-value")
    expect(clock).to_have_text(CLOCK)  # the countdown runs: 2:00, 1:59, …
    first = clock.text_content()
    expect(clock).not_to_have_text(first)
    expect(page.locator("#mock-clock")).to_contain_text("left")
    expect(page.get_by_text("Think aloud.")).to_be_visible()
    _no_serious_problems(page, "a mock question")
    page.evaluate("window.__samePage = true")

    seen = []
    typed = ["Tail probability under H0", "", "Bias falls, variance rises"]
    for number, text in enumerate(typed, start=1):
        expect(page.locator(".mock-progress")).to_have_text(f"Question {number} of 3")
        title = page.locator("#mock-title")
        if number > 1:
            expect(title).to_be_focused()  # htmx has settled: the keys reach the new form
        seen.append(title.text_content())
        if not text:
            page.keyboard.press("Enter")  # answered aloud only
            continue
        page.keyboard.press("a")
        expect(page.get_by_label(re.compile("Your answer"))).to_be_focused()
        page.keyboard.type(text)
        if number == 1:
            page.keyboard.press("Control+Enter")
        else:
            page.keyboard.press("Escape")
            expect(title).to_be_focused()
            page.keyboard.press("Enter")
    assert sorted(seen) == sorted(titles)

    expect(page.get_by_role("heading", name="Summary")).to_be_focused()
    expect(page.locator("#within-time")).to_have_text("3 of 3")
    expect(page.locator("#total-time")).to_have_text(CLOCK)
    results = page.locator(".mock-result")
    expect(results).to_have_count(3)
    expect(results.nth(0).locator(".typed-answer")).to_have_text("Tail probability under H0")
    expect(results.nth(1)).to_contain_text("Nothing typed: you answered aloud.")
    for n, title in enumerate(seen):
        word = re.search(r"\*\*(\w+)\*\*", titles[title]).group(1)
        expect(results.nth(n).locator(".mock-best strong")).to_have_text(word)
    _no_serious_problems(page, "a mock summary")

    for key in ("3", "4", "1"):
        page.keyboard.press(key)
    expect(page.get_by_role("button", name="Save the grades into practice")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".study-ok")).to_have_text("Graded: 3 reviews added to your practice.")
    expect(page.locator(".mock-graded")).to_have_count(3)
    expect(results.nth(0)).to_contain_text("Your grade: Good")
    expect(results.nth(2)).to_contain_text("Your grade: Again")
    assert page.evaluate("window.__samePage") is True

    interview = MockInterview.objects.get(user=member)
    assert interview.graded_at is not None
    ratings = {
        review.bookmark.question.title: review.rating
        for review in Review.objects.filter(bookmark__user=member).select_related(
            "bookmark__question"
        )
    }
    assert ratings == dict(zip(seen, (3, 4, 1), strict=True))
    assert Bookmark.objects.filter(user=member).count() == 3

    page.get_by_role("link", name="All mock interviews").click()
    expect(page.locator(".mock-row")).to_have_count(1)
    expect(page.locator(".mock-row")).to_contain_text("Graded")
    assert errors == []


def test_a_question_past_its_time_shows_how_far_over(page: Page, site):
    member = UserFactory(username="finn")
    for n in range(3):
        QuestionFactory(title=f"Late question {n}")
    interview = mock_interviews.start_mock_interview(
        user=member,
        topics=[],
        question_count=3,
        minutes=1,
        now=timezone.now() - timedelta(minutes=3),
    )
    log_in(page, site, "finn")
    page.goto(site + interview.get_absolute_url())
    clock = page.locator("#mock-clock")
    expect(clock).to_have_class(re.compile("is-over"))
    expect(clock.locator(".clock-value")).to_have_text(re.compile(r"^\+2:0\d$"))
    expect(clock).to_contain_text("over time")
    page.keyboard.press("Enter")
    expect(page.locator(".study-error, .study-ok")).to_have_text(
        "Question 1 answered after its time: marked over time."
    )
    expect(page.locator(".mock-progress")).to_have_text("Question 2 of 3")


# For the every-page walk (test_every_page.py).
def seed_mock_interviews(member, questions, typed: str) -> tuple[MockInterview, MockInterview]:
    """A finished mock interview (long typed answers, the long title) and one running."""
    started = timezone.now() - timedelta(hours=1)
    third = QuestionFactory(title="What is label smoothing?")
    interviews = []
    for finished in (True, False):
        interview = MockInterview.objects.create(
            user=member, minutes_per_question=2, question_count=3, started_at=started
        )
        for position, asked in enumerate([*questions, third], start=1):
            MockQuestion.objects.create(
                interview=interview,
                question=asked,
                position=position,
                started_at=started if position == 1 else None,
                deadline=started + timedelta(minutes=2) if position == 1 else None,
            )
        for position in (1, 2, 3) if finished else ():
            mock_interviews.answer_mock_question(
                user=member,
                interview=interview,
                position=position,
                answer=typed,
                now=started + timedelta(minutes=3 * position),
            )
        interviews.append(interview)
    return interviews[0], interviews[1]
