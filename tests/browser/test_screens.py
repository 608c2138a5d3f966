"""Small and large screens: on a phone the menu and the filters fold away and
the results come first; on a desktop both are always open."""

import re

from playwright.sync_api import Browser, expect

from tests.browser.test_every_page import VIEWPORTS, new_context, seed


def test_on_a_phone_the_menu_and_filters_fold_and_results_come_first(browser: Browser, site):
    seeded = seed()
    for javascript in (True, False):
        context = browser.new_context(
            viewport=VIEWPORTS["phone"], base_url=site, java_script_enabled=javascript
        )
        page = context.new_page()
        page.goto("/")
        nav = page.get_by_role("navigation", name="Account")
        expect(nav.get_by_role("link", name="Log in")).to_be_hidden()
        expect(page.get_by_label("Source")).to_be_hidden()
        first = page.locator(".question-row").first
        box = first.bounding_box()
        assert box is not None
        assert box["y"] < VIEWPORTS["phone"]["height"] - 100, box  # results on the first screen

        page.get_by_text("Menu").click()
        expect(nav.get_by_role("link", name="Log in")).to_be_visible()
        page.get_by_text("Menu").click()  # the open menu lies over the page: close it
        expect(nav.get_by_role("link", name="Log in")).to_be_hidden()
        if javascript:  # as a menu does: Escape closes it, focus back on its button
            page.get_by_text("Menu").click()
            expect(nav.get_by_role("link", name="Log in")).to_be_visible()
            page.keyboard.press("Escape")
            expect(nav.get_by_role("link", name="Log in")).to_be_hidden()
            expect(page.locator("summary.menu-button")).to_be_focused()
            page.get_by_text("Menu").click()  # and so does a click elsewhere
            page.mouse.click(195, 800)  # below the open panel
            expect(nav.get_by_role("link", name="Log in")).to_be_hidden()
        page.get_by_text("Filters").click()
        page.get_by_label("Source").select_option(seeded.source.slug)
        page.get_by_role("button", name="Apply").click()
        expect(page).to_have_url(re.compile(rf"source={seeded.source.slug}"))
        expect(page.locator(".count")).to_contain_text("match")
        if not javascript:  # a new page, its filters folded again but marked as on
            expect(page.get_by_text("Filters (on)")).to_be_visible()
            expect(page.get_by_label("Source")).to_be_hidden()
        context.close()


def test_on_a_desktop_the_menu_and_filters_are_always_open(browser: Browser, site):
    seed()
    context = new_context(browser, site, "desktop", "light", None)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_text("Menu")).to_be_hidden()
    expect(page.get_by_text("Filters", exact=True)).to_be_hidden()
    nav = page.get_by_role("navigation", name="Account")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_label("Source")).to_be_visible()
    context.close()
