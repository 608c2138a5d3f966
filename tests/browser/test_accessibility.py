"""axe-core finds no serious or critical accessibility violation on the main pages,
signed out and signed in, in the light and the dark colour scheme."""

import re

import pytest
from playwright.sync_api import Page, expect

from study import services as study_services
from tests.browser.axe import BLOCKING, audit, describe, require_axe
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
    UserFactory,
)

# Only the injected axe script needs this: see tests/browser/axe.py.
pytestmark = pytest.mark.browser_context_args(bypass_csp=True)

PASSWORD = "correct horse battery staple"
RICH_ANSWER = """Usually **not** overfitting. Three reasons:

1. Dropout is active only while training.
2. The training loss is averaged over an epoch while the model improves.
3. The validation set may be easier, or leaked.

| loss | measured |
|---|---|
| training | during the epoch |
| validation | after it |

```python
model.eval()  # dropout off
with torch.no_grad():
    val_loss = criterion(model(x_val), y_val)
```

The gap is $L_{val} - L_{train}$, and $$\\sigma^2 = \\frac{1}{n}\\sum_i (x_i - \\mu)^2$$
"""


def make_site():
    member = UserFactory(username="alice", display_name="Alice")
    author = UserFactory(username="bob", display_name="Bob")
    topic = TopicFactory(name="Deep learning", slug="deep-learning")
    source = SourceFactory(name="Machine Learning Interviews", slug="huyen")
    question = QuestionFactory(
        title="Why can validation loss be below training loss?",
        body="Seen in *many* training curves.",
        source=source,
        topics=[topic],
    )
    AIAnswerFactory(question=question, body="It means the model is overfitting.")
    answer = AnswerFactory(question=question, author=author, body=RICH_ANSWER)
    CommentFactory(answer=answer, author=member, body="Good point about `model.eval()`.")
    for title in ("What is the bias-variance trade-off?", "How does beam search work?"):
        other = QuestionFactory(title=title, source=source, topics=[topic])
        AIAnswerFactory(question=other)
    study_services.toggle_bookmark(user=member, question=question)
    return question


def log_in(page: Page, site: str) -> None:
    page.goto(site + "/accounts/login/")
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Log out")


def audit_pages(page: Page, site: str, paths: dict[str, str]) -> list[str]:
    """Audit each page in both colour schemes; the blocking violations, described."""
    problems = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for name, path in paths.items():
            page.goto(site + path)
            found = audit(page)
            if name == "practice":  # and again with the answer shown
                page.keyboard.press("Space")
                expect(page.locator(".practice-card .revealed")).to_be_visible()
                found += audit(page)
            blocking = [v for v in found if v["impact"] in BLOCKING]
            if blocking:
                problems.append(describe(f"{name} ({scheme})", blocking))
    return problems


def test_pages_a_visitor_sees_have_no_serious_accessibility_problem(page: Page, site):
    require_axe()
    question = make_site()
    problems = audit_pages(
        page,
        site,
        {
            "home": "/",
            "question": question.get_absolute_url(),
            "log-in": "/accounts/login/",
            "topics": "/topics/",
            "sources": "/sources/",
            # Visitors are sent to log in from here: the log-in page with ?next=.
            "bookmarks": "/bookmarks/",
            "practice (visitor)": "/practice/",
        },
    )
    assert not problems, "\n".join(problems)


def test_pages_a_member_sees_have_no_serious_accessibility_problem(page: Page, site):
    require_axe()
    question = make_site()
    log_in(page, site)
    problems = audit_pages(
        page,
        site,
        {
            "home": "/",
            "question": question.get_absolute_url(),
            "bookmarks": "/bookmarks/",
            "practice": "/practice/",
            # Signed in, the log-in page says so and offers the way back.
            "log-in": "/accounts/login/",
        },
    )
    assert not problems, "\n".join(problems)


def test_the_audit_can_fail(page: Page, site):
    """A page with an unlabelled field and an image without text fails the audit."""
    require_axe()
    page.goto(site + "/healthz")
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<input type="text"><img src="data:,"></main></body></html>'
    )
    ids = {v["id"] for v in audit(page) if v["impact"] in BLOCKING}
    assert {"label", "image-alt"} <= ids
