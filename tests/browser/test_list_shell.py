"""With the page cache on, a member's list, its searches and its filters come
from cached shells around their own parts (questions/views/list_page.py): the
bookmark toggles and the search still work in Chromium, page after page."""

import re

import pytest
from playwright.sync_api import Page, expect

from study.models import Bookmark
from tests.browser.test_study import log_in
from tests.factories import QuestionFactory, UserFactory


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.MLQA_PAGE_CACHE_SECONDS = 300


def test_bookmarks_and_searches_on_cached_lists(page: Page, site):
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    member = UserFactory(username="erin")
    first = QuestionFactory(title="What does dropout do at inference time?")
    second = QuestionFactory(title="Why is dropout scaled during training?")
    QuestionFactory(title="What is a p-value?")
    log_in(page, site, "erin")

    page.goto(site + "/")
    page.goto(site + "/")  # the shell is kept now
    row = page.locator(".question-row", has_text=first.title)
    row.get_by_role("button", name=re.compile("Bookmark")).click()
    expect(row.locator(".bookmark-button")).to_contain_text("Bookmarked")
    expect(row.locator(".bookmark-count")).to_contain_text("1")

    # The results htmx swaps in come from a shell too, with the member's marks.
    page.evaluate("window.__samePage = true")
    search = page.get_by_label("Search", exact=True)
    search.fill("dropout")
    expect(page.locator(".question-row")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/\?q=dropout"))
    # Leaving the box is a change, which searches again: let it, before pressing a toggle.
    with page.expect_response(re.compile(r"/\?q=dropout")):
        search.press("Tab")
    row = page.locator(".question-row", has_text=first.title)
    expect(row.locator(".bookmark-button")).to_contain_text("Bookmarked")
    row = page.locator(".question-row", has_text=second.title)
    row.get_by_role("button", name=re.compile("Bookmark")).click()
    expect(row.locator(".bookmark-button")).to_contain_text("Bookmarked")
    assert page.evaluate("window.__samePage") is True

    # The whole page, from its shell: both marks, and the search box keeps the query.
    page.reload()
    page.reload()
    expect(page.get_by_label("Search", exact=True)).to_have_value("dropout")
    expect(page.locator(".question-row .bookmark-button.is-bookmarked")).to_have_count(2)
    row = page.locator(".question-row", has_text=first.title)
    row.get_by_role("button", name=re.compile("Bookmarked")).click()
    expect(row.locator(".bookmark-button")).not_to_contain_text("Bookmarked")
    expect(row.locator(".bookmark-count")).to_contain_text("0")
    assert set(Bookmark.objects.filter(user=member).values_list("question", flat=True)) == {
        second.pk
    }
    assert errors == []
