"""Member A comments on member B's answer; B's header count changes without a
page load, B opens the inbox and follows the link to the comment."""

import re

from playwright.sync_api import Page, expect

from tests.factories import AnswerFactory, QuestionFactory, UserFactory

from .test_community import log_in


def test_a_comment_reaches_the_answers_author_live(page: Page, browser, site, settings):
    settings.MLQA_INBOX_POLL_SECONDS = 1
    UserFactory(username="alice")
    bob = UserFactory(username="bob", display_name="Bob")
    question = QuestionFactory(title="Why does dropout help?")
    answer = AnswerFactory(question=question, author=bob, body="It averages many thinned nets.")

    log_in(page, site, "bob")  # B waits on the home page
    inbox_link = page.locator("#inbox-link")
    expect(inbox_link).to_have_text("Inbox")
    page.evaluate("window.__samePage = true")

    alice = browser.new_context()
    try:
        other = alice.new_page()
        log_in(other, site, "alice")
        other.goto(site + question.get_absolute_url())
        comments = other.locator(f"#answer-comments-{answer.pk}")
        comments.get_by_text("Add a comment").click()
        comments.get_by_label("Comment").fill("Also think of it as noise injection.")
        comments.get_by_role("button", name="Add comment").click()
        expect(other.locator(f"#answer-comments-{answer.pk} .comment")).to_contain_text(
            "noise injection"
        )
    finally:
        alice.close()

    expect(page.locator("#unread-count")).to_have_text("1", timeout=10_000)
    assert page.evaluate("window.__samePage") is True  # no page load
    page.locator("#inbox-link").click()
    expect(page.get_by_role("heading", name="Why does dropout help?")).to_be_visible()
    item = page.locator(".inbox-item.unread")
    expect(item).to_contain_text("commented on your answer")
    expect(item).to_contain_text("noise injection")
    item.get_by_role("button", name=re.compile("commented on your answer")).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(question.get_absolute_url())}#comment-\d+$"))
    comment_id = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{comment_id}")).to_contain_text("noise injection")
    expect(page.locator(f"#{comment_id}")).to_be_in_viewport()
    expect(page.locator("#unread-count")).to_have_count(0)  # read now
