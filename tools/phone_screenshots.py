"""Screenshots of the home, question and practice pages on a phone (390x844) for
the README: `make run`, then `.venv/bin/python tools/phone_screenshots.py`.

Uses the demo data (`load_demo`) and its member `demo`; writes docs/phone-*.png.
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parents[1] / "docs"
QUESTION = "Which models need feature scaling and which do not? Why?"


def main(base: str) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme="light")
        page.goto(base + "/")
        page.screenshot(path=DOCS / "phone-home.png")
        page.get_by_role("link", name=QUESTION).click()
        page.screenshot(path=DOCS / "phone-question.png")
        page.goto(base + "/accounts/login/")
        page.get_by_label("Username or email").fill("demo")
        page.get_by_label("Password").fill("mlqa-demo")
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.goto(base + "/practice/")
        page.get_by_text("Show the answer").click()
        page.screenshot(path=DOCS / "phone-practice.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
