"""axe-core inside the browser tests: inject the vendored, hash-checked file and list what it finds."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_FILE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
# The impacts a visitor cannot work around (axe's own scale: minor, moderate, serious, critical).
BLOCKING_IMPACTS = ("serious", "critical")
# WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices (landmarks, heading order, region).
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_OPTIONS = {"runOnly": {"type": "tag", "values": RULE_TAGS}}

# Resolves once every finite animation (a screen's fade-in) has finished; endless ones (a spinner) are skipped.
SETTLE_JS = """() => Promise.all(document.getAnimations()
  .filter((animation) => animation.effect?.getTiming().iterations !== Infinity)
  .map((animation) => animation.finished.catch(() => null)))"""


@cache
def axe_source() -> str:
    """The vendored axe.min.js, refused when it is not the pinned release's file."""
    data = AXE_FILE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != AXE_SHA256:
        raise AssertionError(f"{AXE_FILE} has sha256 {digest}, expected axe-core {AXE_VERSION}'s {AXE_SHA256}")
    return data.decode()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe on the page as it is now; the serious and critical violations, each with its rule and nodes."""
    # Screens fade in: colours measured mid-fade would be paler than any visitor sees them for long.
    page.evaluate(SETTLE_JS)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    results: dict[str, Any] = page.evaluate("(options) => axe.run(document, options)", RUN_OPTIONS)
    assert results["testEngine"]["version"] == AXE_VERSION
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def assert_accessible(page: Page, screen: str) -> None:
    """Fail with axe's findings when the screen has a serious or critical violation."""
    found = axe_violations(page)
    assert found == [], f"axe on {screen} ({page.url}): {found}"
