"""What the visitor app's browser tests share: a phone-sized Chromium page and running ORM code beside it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
from django.conf import settings
from django.db import connection

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_WIDTH, PHONE_HEIGHT = 390, 844  # an iPhone 12-15 sized viewport, in CSS pixels
SHIPPED_MODEL = Path(settings.BASE_DIR) / "ml" / "weights" / "emotion_model.pt"
# `VISIT_SCREENSHOTS_DIR=docs` refreshes the committed screenshots; by default they go to a temporary folder.
SCREENSHOTS = Path(os.environ.get("VISIT_SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "museum_guide-visit")
TIMEOUT_MS = 30_000
WORKER_TIMEOUT_MS = 180_000  # the first task loads the model; the 2 CPUs may be busy
T = TypeVar("T")

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(600),
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"),
]

# Records every text the status line shows, to check that upload progress was announced.
STATUS_LOG_SCRIPT = """
window.__statusLog = [];
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("status");
  if (!status) return; // an error page has no status line
  new MutationObserver(() => window.__statusLog.push(status.textContent)).observe(status, {childList: true});
});
"""


@dataclass(frozen=True)
class PhoneScreen:
    """A viewport in CSS pixels and the phone's text size (2.0: the 200% of WCAG 1.4.4)."""

    width: int
    height: int
    text_scale: float = 1.0


def text_scale_script(scale: float) -> str:
    """An init script that scales the root font size the way a phone's text-size setting does."""
    css = f"html {{ font-size: {scale * 100:g}% !important; }}"
    return f"""
document.addEventListener("DOMContentLoaded", () => {{
  const style = document.createElement("style");
  style.textContent = {css!r};
  document.head.append(style);
}});
"""


def in_thread(query: Callable[[], T]) -> T:
    """Run an ORM query from inside the Playwright block (its event loop makes Django refuse sync queries)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: _closing_connection(query)).result()


def _closing_connection(query: Callable[[], T]) -> T:
    try:
        return query()
    finally:
        connection.close()


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@dataclass
class Phone:
    """A phone-sized page in headless Chromium, with the script errors and console errors it met."""

    page: Page
    problems: list[str]

    def shot(self, step: str) -> None:
        """Save the whole page, from the top, as docs/visit-<step>.png."""
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=SCREENSHOTS / f"visit-{step}.png", full_page=True, animations="disabled")
