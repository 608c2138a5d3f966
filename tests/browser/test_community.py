"""A member votes, comments and proposes a fix to an AI answer; a moderator accepts it."""

import re

from playwright.sync_api import Page, expect

from tests.factories import AIAnswerFactory, ModeratorFactory, QuestionFactory, UserFactory

PASSWORD = "correct horse battery staple"
WRONG = "Validation loss below training loss means the model is overfitting."
FIXED = (
    "It is usually not overfitting: dropout is active only during training, "
    "and the training loss is averaged over an epoch while the model improves."
)


def log_in(page: Page, site: str, username: str) -> None:
    page.goto(site + "/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Log out")


def test_vote_and_comment_without_a_page_load(page: Page, site):
    UserFactory(username="alice")
    question = QuestionFactory(title="Why can validation loss be below training loss?")
    answer = AIAnswerFactory(question=question, body=WRONG)
    log_in(page, site, "alice")
    page.goto(site + question.get_absolute_url())
    page.evaluate("window.__samePage = true")

    box = page.locator(f"#vote-{answer.pk}")
    expect(box.locator(".score")).to_have_text("0")
    box.get_by_role("button", name="Vote down").click()
    expect(page.locator(f"#vote-{answer.pk} .score")).to_have_text("-1")
    expect(page.locator(f"#vote-{answer.pk} .vote-down")).to_have_attribute("aria-pressed", "true")
    # Clicking the active arrow again clears the vote.
    page.locator(f"#vote-{answer.pk}").get_by_role("button", name="Vote down").click()
    expect(page.locator(f"#vote-{answer.pk} .score")).to_have_text("0")

    comments = page.locator(f"#answer-comments-{answer.pk}")
    comments.get_by_text("Add a comment").click()
    comments.get_by_label("Comment").fill("This is **wrong**: dropout explains it.")
    comments.get_by_role("button", name="Add comment").click()
    expect(page.locator(f"#answer-comments-{answer.pk} .comment strong")).to_have_text("wrong")
    assert page.evaluate("window.__samePage") is True


def test_propose_a_fix_to_an_ai_answer_and_a_moderator_accepts_it(page: Page, site):
    UserFactory(username="alice", display_name="Alice Liddell")
    ModeratorFactory(username="mod")
    question = QuestionFactory(title="Why can validation loss be below training loss?")
    answer = AIAnswerFactory(question=question, body=WRONG)

    log_in(page, site, "alice")
    page.goto(site + question.get_absolute_url())
    page.get_by_role("link", name="Propose a better version").click()
    page.get_by_label("Improved answer").fill(FIXED)
    page.get_by_label("What does your version fix?").fill("It is not overfitting")
    page.get_by_role("button", name="Show the changes").click()
    expect(page.locator("#proposal-diff ins").first).to_be_visible()
    page.get_by_role("button", name="Send proposal").click()
    expect(page.locator(".messages")).to_contain_text("Proposal sent")

    page.get_by_role("button", name="Log out").click()
    log_in(page, site, "mod")
    page.goto(site + question.get_absolute_url())
    page.get_by_role("link", name="Review the change").click()
    expect(page.locator("pre.diff del").first).to_be_visible()
    page.get_by_role("button", name="Accept").click()

    expect(page.locator(f"#answer-{answer.pk} .prose")).to_contain_text(
        "It is usually not overfitting"
    )
    expect(page.locator(f"#answer-{answer.pk}")).to_contain_text("edited (2 revisions)")
    page.locator(f"#answer-{answer.pk}").get_by_role("link", name="History").click()
    revision = page.locator("#revision-2")
    expect(revision).to_contain_text("Accepted proposal")
    expect(revision).to_contain_text("Alice Liddell")
    expect(revision.locator("ins").first).to_be_visible()
    expect(revision.locator("del").first).to_be_visible()
