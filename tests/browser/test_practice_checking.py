"""A candidate practises two cards typing the answers with the keyboard, undoes
one rating, and sees the heatmap count the review and the typed answer kept on
the bookmark, in Chromium."""

import re

from playwright.sync_api import Page, expect

from study.models import Review
from tests.browser.test_study import log_in
from tests.factories import AIAnswerFactory, BookmarkFactory, QuestionFactory, UserFactory

TYPED = "Dropout is only on in training, so 1 2 3 4 are just text here."


def test_type_answers_with_the_keyboard_undo_and_see_the_year(page: Page, site):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    member = UserFactory(username="dana")
    first = QuestionFactory(title="Why is validation loss below training loss?")
    AIAnswerFactory(
        question=first,
        body="Dropout acts only during training.\n\n"
        "- The training loss is averaged over an epoch.\n"
        "- The validation set may be easier.",
    )
    second = QuestionFactory(title="What does weight decay do?")
    AIAnswerFactory(question=second, body="It shrinks the weights towards zero.")
    for question in (first, second):
        BookmarkFactory(user=member, question=question)
    log_in(page, site, "dana")

    page.goto(site + "/practice/")
    page.get_by_role("button", name="Type my answers").click()
    card = page.locator(".practice-card")
    box = card.get_by_label("Your answer")
    expect(box).to_be_focused()
    page.keyboard.type(TYPED)
    expect(box).to_have_value(TYPED)  # digits typed in the box stay text
    page.keyboard.press("Control+Enter")
    check = card.locator(".answer-check")
    expect(check).to_contain_text("Key points of the best answer: 1 of 3 mentioned")
    expect(check.locator(".is-mentioned")).to_have_text(re.compile("Dropout acts only"))
    expect(check.locator(".typed-diff del").first).to_be_visible()
    expect(card.locator(".best-answer")).to_contain_text("The validation set may be easier.")
    page.keyboard.press("3")  # the rating keys work after the reveal
    expect(page.locator(".study-ok")).to_contain_text("Good: back in")

    expect(card.locator(".card-title")).to_have_text(second.title)
    expect(card.get_by_label("Your answer")).to_be_focused()
    page.keyboard.type("It pulls the weights to zero.")
    page.keyboard.press("Control+Enter")
    expect(card.locator(".answer-check")).to_contain_text("1 of 1 mentioned")
    page.keyboard.press("1")
    expect(page.locator(".study-ok")).to_contain_text("Again: back in")
    assert Review.objects.filter(bookmark__user=member).count() == 2

    # The card comes back within a minute, its answer box focused: Escape leaves it.
    expect(card.get_by_label("Your answer")).to_be_focused()
    page.keyboard.press("Escape")
    expect(card.locator(".card-title")).to_be_focused()
    page.keyboard.press("Space")  # back into the box, and out again
    expect(card.get_by_label("Your answer")).to_be_focused()
    expect(card.get_by_label("Your answer")).to_have_value("")
    page.keyboard.press("Escape")
    page.keyboard.press("u")
    expect(page.locator(".study-ok")).to_contain_text(
        "Undid “Again” on “What does weight decay do?”"
    )
    expect(card.locator(".card-title")).to_have_text(second.title)
    expect(page.locator(".undo-button")).to_have_count(0)
    reviews = Review.objects.filter(bookmark__user=member)
    assert list(reviews.values_list("rating", "typed_answer")) == [(3, TYPED)]
    expect(page.locator('.heatmap rect[data-count="1"]')).to_have_count(1)
    expect(page.locator("#streak-current")).to_have_text("1 day")
    expect(page.locator("#retention")).to_have_text("100%")

    page.goto(site + "/bookmarks/")
    page.get_by_role("link", name="Your typed answers (1)").click()
    expect(page.locator(".typed-answer-log")).to_contain_text("so 1 2 3 4 are just text here.")
    assert errors == []
