import re

from playwright.sync_api import Page, expect

from tests.factories import AIAnswerFactory, QuestionFactory


def test_home_page_links_to_a_question_with_its_ai_answer(page: Page, site):
    question = QuestionFactory(title="What does dropout do at inference time?")
    AIAnswerFactory(question=question, body="Nothing: it is switched **off**.", ai_model="ChatGPT")

    page.goto(site + "/")
    expect(page).to_have_title("Questions · MLQA")
    page.get_by_role("link", name="What does dropout do at inference time?").click()

    expect(page).to_have_url(site + question.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(question.title)
    expect(page.get_by_text("AI-generated · ChatGPT")).to_be_visible()
    expect(page.locator(".answer .prose strong")).to_have_text("off")


def test_typing_a_search_filters_the_list_and_opens_a_result(page: Page, site):
    QuestionFactory(title="How does beam search work?")
    QuestionFactory(title="What is a p-value?")
    page.goto(site + "/")
    page.evaluate("window.__notReloaded = true")

    page.get_by_label("Search", exact=True).fill("beam")
    expect(page.locator(".question-row")).to_have_count(1)
    expect(page.locator(".question-row")).to_contain_text("How does beam search work?")
    # The URL follows the filters, so the result can be shared or reloaded.
    expect(page).to_have_url(re.compile(r"/\?q=beam&"))
    assert page.evaluate("window.__notReloaded") is True

    page.locator(".question-row a", has_text="beam search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How does beam search work?")
    page.go_back()
    expect(page.get_by_label("Search", exact=True)).to_have_value("beam")
    expect(page.locator(".question-row")).to_have_count(1)


def test_next_from_a_search_keeps_the_search_and_reaches_the_21st_result(page: Page, site):
    for n in range(1, 26):
        QuestionFactory(title=f"Gradient clipping puzzle number {n:02d}")
    QuestionFactory(title="What is a p-value?")  # not a match, on no page
    page.goto(site + "/?q=gradient")
    first_page = page.locator(".question-row .row-title").all_inner_texts()
    assert len(first_page) == 20

    page.get_by_role("link", name="Next →").click()

    expect(page).to_have_url(re.compile(r"[?&]q=gradient&.*page=2|[?&]page=2&.*q=gradient"))
    expect(page.get_by_label("Search", exact=True)).to_have_value("gradient")
    rows = page.locator(".question-row")
    expect(rows).to_have_count(5)
    second_page = rows.locator(".row-title").all_inner_texts()
    assert not set(first_page) & set(second_page)
    assert set(first_page + second_page) == {
        f"Gradient clipping puzzle number {n:02d}" for n in range(1, 26)
    }
    # The address bar holds the page: reloading shows the same five.
    page.reload()
    expect(page.locator(".question-row")).to_have_count(5)
