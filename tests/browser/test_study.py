"""A candidate bookmarks two questions, practises them with the keyboard and
downloads the Anki deck, in Chromium."""

import re
import sqlite3
import zipfile

from playwright.sync_api import Page, expect

from study import exports as study_exports
from study.models import Bookmark, Review
from tests.factories import AIAnswerFactory, QuestionFactory, UserFactory

PASSWORD = "correct horse battery staple"


def log_in(page: Page, site: str, username: str) -> None:
    page.goto(site + "/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Log out")


def test_bookmark_two_questions_practise_with_keys_and_download_the_deck(
    page: Page, site, tmp_path
):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    member = UserFactory(username="carol")
    questions = [
        QuestionFactory(title="What does dropout do at inference time?"),
        QuestionFactory(title="Why normalise input features?"),
    ]
    AIAnswerFactory(question=questions[0], body="Nothing: it is switched **off**.")
    AIAnswerFactory(question=questions[1], body="Gradient descent converges **faster**.")
    QuestionFactory(title="A question left alone")
    log_in(page, site, "carol")

    page.goto(site + "/")
    page.evaluate("window.__samePage = true")
    for question in questions:
        row = page.locator(".question-row", has_text=question.title)
        row.get_by_role("button", name=re.compile("Bookmark")).click()
        expect(row.locator(".bookmark-button")).to_contain_text("Bookmarked")
        expect(row.locator(".bookmark-count")).to_contain_text("1")
    assert page.evaluate("window.__samePage") is True
    assert Bookmark.objects.filter(user=member).count() == 2

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice")
    page.evaluate("window.__samePage = true")
    expect(page.locator("#count-new")).to_have_text("2")

    for number, (question, answer_word) in enumerate(
        zip(questions, ("off", "faster"), strict=True)
    ):
        card = page.locator(".practice-card")
        expect(card.locator(".card-title")).to_have_text(question.title)
        if number:
            # htmx has settled the new card (practice.js focuses its question
            # then): before that its form is not wired yet, and a key pressed
            # within those milliseconds would post it as a plain form.
            expect(card.locator(".card-title")).to_be_focused()
        expect(card.locator(".revealed")).to_be_hidden()
        page.keyboard.press("Space")
        expect(card.locator(".revealed .prose strong")).to_have_text(answer_word)
        expect(card.get_by_text("AI-generated · ChatGPT")).to_be_visible()
        page.keyboard.press("4")  # Easy
        expect(page.locator(".study-ok")).to_contain_text("Easy: back in")

    expect(page.get_by_role("heading", name=re.compile("Done for now"))).to_be_visible()
    expect(page.locator("#count-done")).to_have_text("2")
    expect(page.locator(".review-chart .chart-bar")).to_have_count(1)
    assert page.evaluate("window.__samePage") is True
    reviews = Review.objects.filter(bookmark__user=member)
    assert sorted(reviews.values_list("rating", flat=True)) == [4, 4]
    assert all(review.duration_ms is not None for review in reviews)

    page.get_by_role("link", name="My bookmarks").click()
    expect(page.locator(".bookmark-row")).to_have_count(2)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Anki deck (.apkg)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".apkg")
    path = tmp_path / "deck.apkg"
    download.save_as(path)
    with zipfile.ZipFile(path) as package:
        (tmp_path / "collection.anki2").write_bytes(package.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "collection.anki2")
    guids = {guid for (guid,) in db.execute("SELECT guid FROM notes")}
    assert guids == {study_exports.anki_guid(question.pk) for question in questions}
    assert errors == []


def test_un_bookmarking_and_bookmarking_again_keeps_the_note(page: Page, site):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("dialog", lambda dialog: errors.append(f"unexpected dialog: {dialog.message}"))
    UserFactory(username="dora")
    question = QuestionFactory(title="Why is dropout scaled during training?")
    log_in(page, site, "dora")

    # Bookmark from the list, write a note on the bookmarks page.
    page.goto(site + "/")
    row = page.locator(".question-row", has_text=question.title)
    row.get_by_role("button", name=re.compile("Bookmark")).click()
    expect(row.locator(".bookmark-button")).to_contain_text("Bookmarked")
    page.goto(site + "/bookmarks/")
    page.get_by_text("Add a private note").click()
    page.get_by_label(re.compile("Private note on")).fill("Inverted dropout: divide by *p*.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator(".bookmark-note .note-body em")).to_have_text("p")

    # Un-bookmark and bookmark again from the list: the count follows at once.
    page.goto(site + "/")
    row = page.locator(".question-row", has_text=question.title)
    row.get_by_role("button", name=re.compile("Bookmarked")).click()
    expect(row.locator(".bookmark-button")).not_to_contain_text("Bookmarked")
    expect(row.locator(".bookmark-count")).to_contain_text("0")
    row.get_by_role("button", name=re.compile("Bookmark")).click()
    expect(row.locator(".bookmark-button")).to_contain_text("Bookmarked")
    expect(row.locator(".bookmark-count")).to_contain_text("1")

    # The note is still there; removing from the bookmarks page offers the way back.
    page.goto(site + "/bookmarks/")
    bookmark_row = page.locator(".bookmark-row")
    expect(bookmark_row.locator(".note-body")).to_contain_text("Inverted dropout")
    bookmark_row.get_by_role("button", name=re.compile("Bookmarked")).click()
    expect(bookmark_row).to_contain_text("Your note and practice history are kept")
    expect(bookmark_row.locator(".note-body")).to_have_count(0)
    bookmark_row.get_by_role("button", name=re.compile("Bookmark")).click()
    expect(bookmark_row.locator(".note-body")).to_contain_text("Inverted dropout")
    expect(bookmark_row.locator(".bookmark-count")).to_contain_text("1")
    page.reload()
    expect(page.locator(".bookmark-row .note-body")).to_contain_text("Inverted dropout")
    assert errors == []
