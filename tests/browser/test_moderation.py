"""A moderator hides a flagged answer in the admin; the question page drops it."""

from playwright.sync_api import Page, expect

from questions.models import Flag, FlagReason
from tests.factories import AIAnswerFactory, ModeratorFactory, QuestionFactory, UserFactory


def test_a_moderator_hides_a_flagged_answer_from_the_admin(page: Page, site):
    ModeratorFactory(username="mod")
    question = QuestionFactory(title="What is the kernel trick?")
    answer = AIAnswerFactory(question=question, body="Buy cheap followers at example dot com.")
    Flag.objects.create(reporter=UserFactory(), answer=answer, reason=FlagReason.SPAM, note="ad")

    page.goto(site + "/admin/")  # staff sign in on the site's own log-in page
    page.get_by_label("Username or email").fill("mod")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Open flags").click()

    row = page.locator("#result_list tbody tr", has_text="Spam")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("resolve_and_hide")
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".messagelist")).to_contain_text("1 flag resolved, content hidden.")

    page.goto(site + question.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(question.title)
    expect(page.get_by_text("Buy cheap followers")).to_have_count(0)
    expect(page.locator("#answers-heading")).to_have_text("0 answers")


def test_a_moderator_merges_by_searching_for_the_question_that_stays(page: Page, site):
    ModeratorFactory(username="mod")
    kept = QuestionFactory(title="What is dropout?")
    duplicate = QuestionFactory(title="Explain dropout regularisation")
    QuestionFactory(title="What is batch normalisation?")
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(site + "/admin/questions/question/")  # signs in on the site's page
    page.get_by_label("Username or email").fill("mod")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign In").click()
    row = page.locator("#result_list tbody tr", has_text="Explain dropout")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("merge_selected")
    page.get_by_role("button", name="Run").click()

    page.locator(".select2-selection").click()
    page.keyboard.type("dropout")
    option = page.locator(".select2-results__option", has_text="What is dropout?")
    expect(option).to_be_visible()
    expect(page.locator(".select2-results__option", has_text="batch")).to_have_count(0)
    option.click()
    page.get_by_role("button", name="Merge").click()
    merged = "1 question merged into “What is dropout?”."
    expect(page.locator(".messagelist")).to_contain_text(merged)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert errors == []
