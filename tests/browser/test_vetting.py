"""A member judges an AI answer wrong from the review queue with the keyboard,
others agree, the community corrects it, and the AI models board shows it."""

import re

from playwright.sync_api import Page, expect

from questions import services
from tests.browser.test_community import log_in
from tests.factories import AIAnswerFactory, ModeratorFactory, QuestionFactory, UserFactory

WRONG = "ReLU is a linear function, so a deep ReLU network is a linear model."
NOTE = "ReLU is piecewise linear: max(0, x) bends at zero, the source of its non-linearity."
FIXED = (
    "ReLU, max(0, x), is linear on each side of zero but not linear overall: "
    "stacking ReLU layers gives piecewise-linear functions that can fit curves."
)


def test_judge_from_the_review_queue_then_correct_and_see_it_on_the_models_board(page: Page, site):
    UserFactory(username="alice", display_name="Alice Liddell")
    others = [UserFactory(username="bob"), UserFactory(username="carol")]
    ModeratorFactory(username="mod")
    question = QuestionFactory(title="Is ReLU a linear activation function?")
    answer = AIAnswerFactory(question=question, body=WRONG, ai_model="ChatGPT")

    # From the review queue, with the keyboard: 3 = wrong, write the note, Ctrl+Enter.
    log_in(page, site, "alice")
    page.goto(site + "/review/")
    expect(page.locator(".review-card")).to_contain_text("Is ReLU a linear activation")
    page.keyboard.press("3")
    note = page.get_by_label(re.compile("What is wrong"))
    expect(note).to_be_focused()
    note.fill(NOTE)
    note.press("Control+Enter")
    expect(page.locator("main")).to_contain_text("Nothing left to review")

    # Two more members agree (their own sessions are not the point here).
    for member in others:
        services.give_verdict(user=member, answer=answer, value="wrong", note="Not linear.")

    page.goto(site + question.get_absolute_url())
    card = page.locator(f"#answer-{answer.pk}")
    expect(card.locator(".badge-state")).to_have_text("Judged wrong")
    expect(card).to_contain_text("by 3 of 3 members")
    expect(card.locator(".verdict-notes")).to_contain_text("piecewise linear")
    expect(card.locator(".ai-note")).to_contain_text("judged wrong")

    # Alice proposes the correction; the moderator accepts it.
    card.get_by_role("link", name="Propose a better version").click()
    page.get_by_label("Improved answer").fill(FIXED)
    page.get_by_label("What does your version fix?").fill("ReLU is not linear")
    page.get_by_role("button", name="Send proposal").click()
    expect(page.locator(".messages")).to_contain_text("Proposal sent")
    page.get_by_role("button", name="Log out").click()
    log_in(page, site, "mod")
    page.goto(site + question.get_absolute_url())
    page.get_by_role("link", name="Review the change").click()
    page.get_by_role("button", name="Accept").click()

    card = page.locator(f"#answer-{answer.pk}")
    expect(card.locator(".ai-note")).to_contain_text("AI draft by ChatGPT")
    expect(card.locator(".ai-note")).to_contain_text("corrected by Alice Liddell")
    expect(card.locator(".badge-state")).to_have_text("Unreviewed")
    expect(card.locator(".verdict-note").first).to_contain_text("on an earlier version")

    page.goto(site + "/models/")
    row = page.locator("table.models-table").first.get_by_role("row", name=re.compile("ChatGPT"))
    expect(row).to_contain_text("100%")  # judged wrong: 1 of 1, corrected: 1 of 1
    page.get_by_role("link", name="ChatGPT").first.click()
    expect(page.locator("#corrected-heading")).to_contain_text("(1)")
    expect(page.locator("main")).to_contain_text("Is ReLU a linear activation function?")
