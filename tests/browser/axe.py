"""axe-core, the accessibility engine, run inside a Playwright page.

axe-core comes from npm (package.json at the project root; `make test` runs
`npm ci`). Without node_modules the accessibility tests are skipped locally
and fail in CI, where they must run.

The site's CSP allows no inline script, and Playwright injects the file's
contents inline, so the pages under audit are opened in a browser context that
bypasses CSP (``pytest.mark.browser_context_args(bypass_csp=True)``). Only the
audit script gets in that way; the CSP itself is tested in tests/security/.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                                           summary: n.failureSummary})),
    count: v.nodes.length,
  }));
}"""


def require_axe() -> None:
    if AXE_JS.exists():
        return
    message = f"axe-core is not installed ({AXE_JS} is missing): run `npm ci` or `make test`"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run the accessibility tests")
    pytest.skip(message)


def audit(page: Page) -> list[dict]:
    """Every axe violation on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(RUN_AXE)


def describe(label: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{label}: [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['count']} element{'s' if violation['count'] != 1 else ''})"
        )
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['html']}")
            lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)
