"""Submit a question: similar questions show, best match first, as the title is typed."""

import re

from playwright.sync_api import Page, expect

from tests.factories import QuestionFactory, UserFactory

PASSWORD = "correct horse battery staple"


def test_similar_questions_follow_the_title_as_it_is_typed(page: Page, site):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    UserFactory(username="erin")
    QuestionFactory(title="Is dropout useful for small convolutional networks?")
    QuestionFactory(
        title="Why do we scale activations when using dropout, and what changes at inference?"
    )
    QuestionFactory(title="Why does it happen at all, and what is it?")
    page.goto(site + "/accounts/login/?next=/questions/ask/")
    page.get_by_label("Username or email").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit an interview question")

    title = page.get_by_label("Question", exact=True)
    title.press_sequentially("Why does dropout need scaling at inference time?", delay=15)
    suggestions = page.locator("#similar li")
    expect(suggestions.first).to_have_text(re.compile("^Why do we scale activations"))
    expect(page.locator("#similar")).not_to_contain_text("happen at all")

    title.fill("")
    title.press_sequentially("How is a p-value computed?", delay=15)
    expect(suggestions).to_have_count(0)
    assert errors == []
