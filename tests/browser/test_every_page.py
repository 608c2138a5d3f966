"""Every page of the site, on a phone (390x844) and a desktop (1280x800), in the
light and the dark colour scheme: nothing scrolls sideways, the console stays
clean, every request succeeds, and axe finds no serious or critical problem.

The pages are seeded with the data that broke layouts before: a 300-character
title of long words, a 250-character URL in a comment, display and inline math,
a long code line and a wide table.

To cover a new page, add a row to PAGES (who sees it, and its address from the
seeded objects). The moderator's admin pages come from the admin registry: every
changelist the moderator may see, and the change form of one object of each.
"""

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from api import tokens
from notifications.mail import unsubscribe_token
from questions import services
from questions.models import FlagReason
from questions.services import vetting
from study import services as study_services
from tests.browser.axe import AXE_JS, BLOCKING, describe, require_axe
from tests.browser.test_mock import seed_mock_interviews
from tests.browser.test_plans import followed_plan
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    ModeratorFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")

LONG_WORD = "Hyperparameteroptimisationwithoutcrossvalidationleakage"  # 55 letters
LONG_TITLE = (
    "Why does "
    + " ".join([LONG_WORD] * 4)
    + " and Regularisationstrengthschedulingforoverparameter"
    "isedtransformers matter when "
)
LONG_TITLE = (LONG_TITLE + "x" * 300)[:299] + "?"
LONG_URL = "https://example.com/" + "a-very-long-path-segment/" * 9 + "x" * 5
LONG_URL = LONG_URL[:250]
LONG_CODE = "scores = model.predict_proba(" + ", ".join(f"feature_{i}" for i in range(40)) + ")"
ECE = (
    r"\mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{n} \left| \mathrm{acc}(B_m) - \mathrm{conf}(B_m)"
    r" \right| + \frac{1}{1024} \sum_{i=1}^{1024} \left(\hat p_i - y_i\right)^2"
    r" + \lambda \lVert \theta \rVert_2^2"
)
LOSS = (
    r"\mathcal{L}(\theta) = -\frac{1}{N}\sum_{i=1}^{N} y_i \log \hat p_i"
    r" + (1 - y_i) \log (1 - \hat p_i)"
)
MATH_ANSWER = f"""Expected calibration error bins the predictions by confidence:

$${ECE}$$

With 1,024 samples each weighs $w_i = 1/1024 = 0.0009765625$ and the loss is ${LOSS}$.

```python
{LONG_CODE}
```

| bin | confidence | accuracy | count | gap | weight | contribution | cumulative | note |
|---|---|---|---|---|---|---|---|---|
| 1 | 0.05 | 0.04 | 120 | 0.01 | 0.117 | 0.00117 | 0.00117 | {LONG_WORD} |

See {LONG_URL} for the derivation.
"""


def seed() -> SimpleNamespace:
    """One site with every kind of page populated, including the nasty data."""
    moderator = ModeratorFactory(username="mod", display_name="Moderator")
    member = UserFactory(username="alice", display_name="Alice")
    author = UserFactory(
        username="bob", display_name="Bob " + LONG_WORD, bio=f"I write about {LONG_URL}"
    )
    topic = TopicFactory(name="Probability and calibration", slug="calibration")
    source = SourceFactory(name="Machine Learning Interviews", slug="huyen")
    question = QuestionFactory(
        title=LONG_TITLE,
        body=f"Inline $p = 1/1024$, a long word {LONG_WORD}{LONG_WORD}.\n\n```\n{LONG_CODE}\n```",
        source=source,
        topics=[topic],
    )
    ai_answer = AIAnswerFactory(question=question, body=MATH_ANSWER, ai_model="ChatGPT")
    answer = AnswerFactory(question=question, author=author, body=f"Read {LONG_URL} first.")
    services.edit_answer(
        user=author, answer=answer, body=f"Read {LONG_URL} first, then the proofs.", summary="More"
    )
    own_answer = AnswerFactory(question=question, author=member, body="Calibrate on held-out data.")
    comment = CommentFactory(answer=answer, author=member, body=f"The source: {LONG_URL}")
    CommentFactory(question=question, answer=None, author=author, body=f"See {LONG_WORD * 2}")
    proposal = services.propose_answer(
        user=member, answer=answer, body=f"Read {LONG_URL} first; {LONG_CODE}", reason=LONG_WORD
    )
    vetting.give_verdict(user=member, answer=ai_answer, value="wrong", note=f"See {LONG_URL}")
    for n in range(21):  # a second page of questions
        QuestionFactory(title=f"What does dropout do at inference time, case {n}?", source=source)
    bookmark = study_services.toggle_bookmark(user=member, question=question)
    study_services.save_note(
        user=member, bookmark=bookmark, note=f"Remember {LONG_URL} and $1/1024$."
    )
    other = QuestionFactory(title="How does beam search work?", source=source, topics=[topic])
    AIAnswerFactory(question=other)
    earlier = timezone.now() - timedelta(days=3)
    other_bookmark = study_services.toggle_bookmark(user=member, question=other)
    study_services.review(user=member, bookmark=other_bookmark, rating=3, now=earlier)
    study_services.report_asked(user=member, question=question, company="Acme " + LONG_WORD)
    services.flag_content(user=member, target=answer, reason=FlagReason.SPAM, note=LONG_URL)
    services.moderation.hide(moderator=moderator, target=comment, reason="Test " + LONG_WORD)
    services.moderation.restore(moderator=moderator, target=comment, reason="Back")
    plan = followed_plan(member, "Calibration in " + LONG_WORD, [question, other])
    tokens.create_token(user=member, name="Flashcards " + LONG_WORD)  # the settings' token list
    tokens.revoke_token(user=member, token=tokens.create_token(user=member, name="old").token)
    return SimpleNamespace(
        mocks=seed_mock_interviews(member, [question, other], f"See {LONG_URL} {LONG_WORD}"),
        moderator=moderator,
        member=member,
        author=author,
        topic=topic,
        source=source,
        question=question,
        ai_answer=ai_answer,
        answer=answer,
        own_answer=own_answer,
        comment=comment,
        proposal=proposal,
        plan=plan,
    )


VISITOR, MEMBER, MODERATOR = "visitor", "member", "moderator"


@dataclass(frozen=True)
class Visit:
    name: str
    role: str  # who opens it: VISITOR, MEMBER or MODERATOR
    path: Callable[[SimpleNamespace], str]  # its address, from the seeded objects
    status: int = 200
    then: Callable[[Page], None] | None = None  # something to do on it, checked again after


def reveal_card(page: Page) -> None:
    page.get_by_text("Show the answer").click()
    expect(page.locator(".rating-buttons")).to_be_visible()


PAGES = [
    # What anyone sees.
    Visit("home", VISITOR, lambda s: "/"),
    Visit("search", VISITOR, lambda s: "/?q=hyperparameteroptimisation"),
    Visit("list page 2", VISITOR, lambda s: "/?page=2"),
    Visit("question", VISITOR, lambda s: s.question.get_absolute_url()),
    Visit("source", VISITOR, lambda s: s.source.get_absolute_url()),
    Visit("topic", VISITOR, lambda s: s.topic.get_absolute_url()),
    Visit("topics", VISITOR, lambda s: reverse("topic_index")),
    Visit("sources", VISITOR, lambda s: reverse("source_index")),
    Visit("profile comments tab", VISITOR, lambda s: s.member.get_absolute_url() + "?tab=comments"),
    Visit("AI models", VISITOR, lambda s: reverse("ai_models")),
    Visit("AI model", VISITOR, lambda s: reverse("ai_model_detail", args=["chatgpt"])),
    Visit("profile", VISITOR, lambda s: s.author.get_absolute_url()),
    Visit("answer history", VISITOR, lambda s: reverse("answer_history", args=[s.answer.pk])),
    Visit("log in", VISITOR, lambda s: reverse("account_login")),
    Visit("sign up", VISITOR, lambda s: reverse("account_signup")),
    Visit("password reset", VISITOR, lambda s: reverse("account_reset_password")),
    Visit("not found", VISITOR, lambda s: "/questions/999999/", status=404),
    Visit(
        "unsubscribe",
        VISITOR,
        lambda s: reverse("unsubscribe", args=[unsubscribe_token(s.member, "comment")]),
    ),
    Visit("unsubscribe, bad link", VISITOR, lambda s: "/unsubscribe/x/", status=400),
    Visit("API documentation", VISITOR, lambda s: reverse("api_docs")),
    Visit("study plans", VISITOR, lambda s: reverse("plans")),
    Visit("study plan", VISITOR, lambda s: s.plan.get_absolute_url()),
    # What a signed-in member sees.
    Visit("home (member)", MEMBER, lambda s: "/"),
    Visit("question (member)", MEMBER, lambda s: s.question.get_absolute_url()),
    Visit("bookmarks", MEMBER, lambda s: reverse("bookmarks")),
    Visit("inbox", MEMBER, lambda s: reverse("inbox")),
    Visit("topic (member)", MEMBER, lambda s: s.topic.get_absolute_url()),
    Visit("practice", MEMBER, lambda s: reverse("practice"), then=reveal_card),
    Visit("review", MEMBER, lambda s: reverse("review")),
    Visit("study plan (following)", MEMBER, lambda s: s.plan.get_absolute_url()),
    Visit("deck options", MEMBER, lambda s: reverse("deck_options")),
    Visit("mock interviews", MEMBER, lambda s: reverse("mock")),
    Visit("mock question", MEMBER, lambda s: s.mocks[1].get_absolute_url()),
    Visit("mock summary", MEMBER, lambda s: s.mocks[0].get_absolute_url()),
    Visit("settings", MEMBER, lambda s: reverse("profile_settings")),
    Visit("own profile", MEMBER, lambda s: s.member.get_absolute_url()),
    Visit("ask", MEMBER, lambda s: reverse("ask")),
    Visit("propose", MEMBER, lambda s: reverse("propose", args=[s.ai_answer.pk])),
    Visit("edit own answer", MEMBER, lambda s: reverse("answer_edit", args=[s.own_answer.pk])),
    Visit("edit comment", MEMBER, lambda s: reverse("comment_edit", args=[s.comment.pk])),
    Visit(
        "delete comment?", MEMBER, lambda s: reverse("comment_delete_confirm", args=[s.comment.pk])
    ),
    Visit("delete own answer?", MEMBER, lambda s: reverse("answer_delete", args=[s.own_answer.pk])),
    Visit("proposal (author)", MEMBER, lambda s: reverse("proposal_detail", args=[s.proposal.pk])),
    Visit("history (member)", MEMBER, lambda s: reverse("answer_history", args=[s.answer.pk])),
    Visit("flag", MEMBER, lambda s: reverse("flag") + f"?target=answer&id={s.ai_answer.pk}"),
    Visit("e-mail addresses", MEMBER, lambda s: reverse("account_email")),
    Visit("password change", MEMBER, lambda s: reverse("account_change_password")),
    # What a moderator sees outside the admin (the admin's pages are added below).
    Visit("question (moderator)", MODERATOR, lambda s: s.question.get_absolute_url()),
    Visit("admin index", MODERATOR, lambda s: reverse("admin:index")),
]


def admin_pages(user) -> list[tuple[str, str]]:
    """Each changelist the moderator may see and the change form of its first row."""
    client = Client()
    client.force_login(user)
    pages = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        request = SimpleNamespace(user=user)
        if not model_admin.has_view_permission(request):
            continue
        name = opts.verbose_name_plural
        pages.append(
            (f"admin {name}", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        )
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            pages.append((f"admin {opts.verbose_name} form", url))
    return pages


# Scripts the page runs to measure itself.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim()
       ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    wide.push(name(el.parentElement) + " > " + name(el) + " right=" + Math.round(box.right));
  }
  return {scrollWidth: document.documentElement.scrollWidth, widest: wide.slice(0, 6)};
}"""
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.filter(v => ["serious", "critical"].includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                                           summary: n.failureSummary})),
  }));
}"""


def new_context(browser: Browser, site: str, viewport: str, scheme: str, user) -> BrowserContext:
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme, base_url=site)
    # axe arrives through the browser's own injection, which the site's CSP does
    # not govern, so the policy stays on and any violation shows in the console.
    context.add_init_script(path=str(AXE_JS))
    if user is not None:
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": site}])
    return context


def check(page: Page, label: str, problems: list[str], errors: list[str]) -> None:
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        problems.append(
            f"{label}: scrolls sideways ({overflow['scrollWidth']} px wide): "
            + "; ".join(overflow["widest"])
        )
    violations = [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
    if violations:
        problems.append(describe(label, violations))
    if errors:
        problems.append(f"{label}: " + "; ".join(errors))
        errors.clear()


def walk(page: Page, visits: list[tuple[str, str, int, Callable | None]], tag: str) -> list[str]:
    problems: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url} {r.failure}"))

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status}: {response.url}")

    page.on("response", on_response)
    for name, path, status, then in visits:
        label = f"{name} {path} ({tag})"
        try:
            response = page.goto(path)
        except PlaywrightError as exc:
            problems.append(f"{label}: {exc.message.splitlines()[0]}")
            errors.clear()
            continue
        if response is None or response.status != status:
            got = response.status if response else "no response"
            problems.append(f"{label}: status {got}, expected {status}")
            errors.clear()
            continue
        if status != 200:  # the browser logs the page's own expected status
            expected = f"the server responded with a status of {status}"
            errors[:] = [e for e in errors if expected not in e]
        check(page, label, problems, errors)
        if then is not None:
            then(page)
            check(page, label + " after " + then.__name__.replace("_", " "), problems, errors)
    return problems


def _ci_on_sqlite() -> bool:
    return bool(os.environ.get("CI")) and "sqlite" in settings.DATABASES["default"]["ENGINE"]


# Layout does not depend on the database, and the walk takes minutes: CI, which runs
# the suite on PostgreSQL and then on SQLite, walks the pages in its PostgreSQL run.
@pytest.mark.skipif(_ci_on_sqlite(), reason="CI walks every page in its PostgreSQL run")
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_page_fits_loads_cleanly_and_passes_axe(browser: Browser, site, viewport, scheme):
    require_axe()
    seeded = seed()
    users = {VISITOR: None, MEMBER: seeded.member, MODERATOR: seeded.moderator}
    problems = []
    started = time.monotonic()
    count = 0
    for role, user in users.items():
        visits = [(v.name, v.path(seeded), v.status, v.then) for v in PAGES if v.role == role]
        if role == MODERATOR:
            visits += [(name, path, 200, None) for name, path in admin_pages(user)]
        if only := os.environ.get("WALK_ONLY"):  # a regex on page names, to debug a few
            visits = [visit for visit in visits if re.search(only, visit[0])]
        count += len(visits)
        context = new_context(browser, site, viewport, scheme, user)
        try:
            problems += walk(context.new_page(), visits, f"{role}, {viewport}, {scheme}")
        finally:
            context.close()
    print(f"{count} pages at {viewport} {scheme} in {time.monotonic() - started:.1f}s")
    assert count > 50 or os.environ.get("WALK_ONLY")
    assert not problems, "\n".join(problems)


def test_practice_rating_buttons_show_on_a_phone_without_scrolling(browser: Browser, site):
    seeded = seed()
    context = new_context(browser, site, "phone", "light", seeded.member)
    page = context.new_page()
    page.goto(reverse("practice"))
    reveal_card(page)
    for button in page.locator(".rating").all():
        box = button.bounding_box()
        assert box is not None
        assert box["y"] >= 0, box
        assert box["y"] + box["height"] <= 844, box
    context.close()


def test_the_walk_sees_overflow_console_errors_and_failed_requests(browser: Browser, site):
    """The checks themselves can fail: a page too wide, an error logged, a missing file."""
    require_axe()
    context = new_context(browser, site, "phone", "light", None)
    page = context.new_page()
    page.route(
        site + "/bad-page/",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<html lang="en"><head><title>t</title></head><body><main>'
            '<p style="width:2000px">wide</p><img src="/static/missing.png" alt="">'
            '<script>console.error("boom")</script><input type="text"></main></body></html>',
        ),
    )
    problems = walk(page, [("bad page", "/bad-page/", 200, None)], "test")
    context.close()
    text = "\n".join(problems)
    assert re.search(r"scrolls sideways \(20\d\d px wide\)", text), text
    assert "console: boom" in text
    assert "404: " + site + "/static/missing.png" in text
    assert "[critical] label" in text
