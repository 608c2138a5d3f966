"""Posting shows its result: a new answer is on the page, an error stays inline."""

import re

from playwright.sync_api import Browser, Page, expect

from questions.models import Answer, Comment
from tests.browser.test_community import log_in
from tests.factories import AIAnswerFactory, QuestionFactory, UserFactory

ANSWER = (
    "Dropout is active only while training, so the training loss is measured on a "
    "thinned network; at evaluation the full network is used."
)


def test_posting_an_answer_shows_it_and_empties_the_form(page: Page, site):
    UserFactory(username="alice", display_name="Alice Liddell")
    question = QuestionFactory(title="Why can validation loss be below training loss?")
    AIAnswerFactory(question=question)
    log_in(page, site, "alice")
    page.goto(site + question.get_absolute_url())

    page.get_by_label("Write a better answer than the ones above").fill(ANSWER)
    # A double click: the button is disabled once the first click sends the form.
    page.get_by_role("button", name="Post your answer").dblclick()

    expect(page).to_have_url(re.compile(r"#answer-\d+$"))
    answer = Answer.objects.get(author__username="alice")
    article = page.locator(f"#answer-{answer.pk}")
    expect(article).to_contain_text("thinned network")
    expect(article).to_contain_text("Alice Liddell")
    expect(article).to_be_focused()
    expect(article).to_be_in_viewport()
    expect(page.get_by_role("status")).to_contain_text("your answer is published")
    expect(page.get_by_label("Write a better answer than the ones above")).to_have_value("")
    expect(page.get_by_role("heading", name="2 answers")).to_be_visible()
    assert Answer.objects.filter(author__username="alice").count() == 1


def test_without_javascript_a_double_click_still_posts_once(browser: Browser, live_server):
    UserFactory(username="alice")
    question = QuestionFactory(title="Why can validation loss be below training loss?")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "alice")
        page.goto(live_server.url + question.get_absolute_url())
        page.get_by_label("Write a better answer than the ones above").fill(ANSWER)
        page.get_by_role("button", name="Post your answer").dblclick()
        expect(page).to_have_url(re.compile(r"#answer-\d+$"))
        answer = Answer.objects.get(author__username="alice")
        expect(page.locator(f"#answer-{answer.pk}")).to_contain_text("thinned network")
        assert Answer.objects.filter(author__username="alice").count() == 1
    finally:
        context.close()


def test_an_invalid_comment_shows_an_inline_error_under_debug(page: Page, site, settings):
    # `make run` runs with DEBUG on, where django-htmx's error handler used to
    # replace the whole document with the 400 fragment.
    settings.DEBUG = True
    UserFactory(username="alice")
    question = QuestionFactory(title="Why can validation loss be below training loss?")
    answer = AIAnswerFactory(question=question)
    log_in(page, site, "alice")
    page.goto(site + question.get_absolute_url())
    page.evaluate("window.__samePage = true")

    comments = page.locator(f"#answer-comments-{answer.pk}")
    comments.get_by_text("Add a comment").click()
    comments.get_by_label("Comment").fill("   ")
    comments.get_by_role("button", name="Add comment").click()

    error = page.locator(f"#answer-comments-{answer.pk} .inline-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("This field is required")
    # The page is still the styled question page, not a bare fragment.
    assert page.evaluate("window.__samePage") is True
    expect(page.locator("h1")).to_have_text(question.title)
    expect(page.get_by_role("banner")).to_be_visible()
    assert Comment.objects.count() == 0

    # The same form then works.
    page.locator(f"#answer-comments-{answer.pk}").get_by_label("Comment").fill("Check dropout.")
    page.locator(f"#answer-comments-{answer.pk}").get_by_role("button", name="Add comment").click()
    expect(page.locator(f"#answer-comments-{answer.pk} .comment")).to_contain_text("Check dropout.")
    assert page.evaluate("window.__samePage") is True


def test_deleting_a_comment_asks_first(page: Page, site):
    alice = UserFactory(username="alice")
    question = QuestionFactory(title="Why can validation loss be below training loss?")
    answer = AIAnswerFactory(question=question)
    comment = Comment.objects.create(author=alice, answer=answer, body="Typo", body_html="Typo")
    log_in(page, site, "alice")
    page.goto(site + question.get_absolute_url())
    item = page.locator(f"#comment-{comment.pk}")

    page.once("dialog", lambda dialog: dialog.dismiss())
    item.get_by_role("link", name="delete").click()
    expect(item).to_contain_text("Typo")
    comment.refresh_from_db()
    assert comment.status == "published"

    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("link", name="delete").click()
    expect(page.locator(f"#comment-{comment.pk}")).to_have_text("comment deleted")
    comment.refresh_from_db()
    assert comment.status == "deleted"
