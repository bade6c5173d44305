"""The analysts' dashboard in headless Chromium on a phone: the API's numbers, ranked, counted, dated, readable."""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import Group, User
from pytest_django.live_server_helper import LiveServer

from reports.permissions import ANALYSTS_GROUP
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory, HallFactory, VenueFactory
from tests.reports.conftest import event_at
from tests.visit.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS, PHONE_HEIGHT, PHONE_WIDTH

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_MARKS
MOMENT = datetime(2026, 11, 20, 11, tzinfo=UTC)  # 14:00 in Moscow, the venue's time zone
EN_DASH = "\N{EN DASH}"
LONG_TITLE = "Zebra-striped ceremonial shield of the river people, with its original leather strap"
# Screenshots for a look by eye go to `DASHBOARD_SCREENSHOTS_DIR`, by default a temporary folder (the ones in
# docs/ show the demo data: seed_demo, reports_demo_events).
SCREENSHOTS = Path(os.environ.get("DASHBOARD_SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "museum_guide-reports")

# Contrast of every text on the page against the background it is drawn on (WCAG 2 relative luminance).
CONTRAST_JS = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const linear = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  const lum = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.getClientRects().length || el.closest("script, option")) continue;
    const [a, b] = [lum(rgb(getComputedStyle(el).color).slice(0, 3)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) failures.push(`${node.textContent.trim().slice(0, 40)}: ${ratio.toFixed(2)}`);
  }
  return failures;
}"""


@pytest.fixture
def dashboard_data(transactional_db: None) -> None:
    """One hall: an all-happy exhibit with a long name, a mixed one, a mostly neutral one, a lone visitor's.

    Names sort alphabetically the other way round from their happy shares, so a ranking by name fails;
    the shares lie far enough apart (1.0, 0.35-0.69, at most 0.30) that the perturbation cannot swap them.
    """
    hall = HallFactory.create(venue=VenueFactory.create(name="Riverside", time_zone="Europe/Moscow"))
    shield = ExhibitFactory.create(hall=hall, title=LONG_TITLE)
    portrait = ExhibitFactory.create(hall=hall, title="Portrait")
    amphora = ExhibitFactory.create(hall=hall, title="Amphora")
    corner = ExhibitFactory.create(hall=hall, title="Quiet corner")
    for minute in range(15):  # two days earlier, late in the afternoon
        event_at(MOMENT - timedelta(days=2, hours=-3, minutes=minute), exhibit=shield, visitor=VisitorFactory.create())
    for minute, label in enumerate(["happy"] * 9 + ["neutral"] * 6):
        event_at(MOMENT + timedelta(minutes=minute), exhibit=portrait, visitor=VisitorFactory.create(), label=label)
    for minute, label in enumerate(["happy"] * 5 + ["neutral"] * 20):
        event_at(MOMENT + timedelta(minutes=minute), exhibit=amphora, visitor=VisitorFactory.create(), label=label)
    lone = VisitorFactory.create()
    for minute in range(3):
        event_at(MOMENT + timedelta(hours=1, minutes=minute), exhibit=portrait, visitor=lone, label="angry")
        event_at(MOMENT + timedelta(hours=2, minutes=minute), exhibit=corner, visitor=lone, label="sad")
    analyst = User.objects.create_user("ana", password="pw-ana-123456")
    # get_or_create: an earlier transactional test may have flushed the group its migration made.
    analyst.groups.add(Group.objects.get_or_create(name=ANALYSTS_GROUP)[0])


@pytest.fixture
def page(live_server: LiveServer, dashboard_data: None) -> Iterator[Page]:
    """Chromium on a phone-sized viewport, started after the data is in (the ORM refuses Playwright's loop)."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT}, is_mobile=True)
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("response", lambda response: errors.append(response.url) if response.status >= 400 else None)
        page.goto(f"{live_server.url}/reports/login/")
        page.fill("input[name=username]", "ana")
        page.fill("input[name=password]", "pw-ana-123456")
        page.click("button[type=submit]")
        page.wait_for_url("**/reports/dashboard/**")
        yield page
        browser.close()
    assert errors == []


def api(page: Page, **params: str) -> dict[str, Any]:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    body: dict[str, Any] = page.evaluate(f"async () => (await fetch('/api/v1/reports/emotions/?{query}')).json()")
    return body


def test_on_a_phone_the_dashboard_ranks_exhibits_by_the_most_common_emotion_with_counts_totals_and_dates(
    page: Page,
) -> None:
    page.wait_for_selector("body[data-ready=true]")
    exhibits = api(page, group_by="exhibit")
    venue = api(page, group_by="venue")["groups"][0]

    # Default emotion: the most common shown one across the selection (here happy).
    shown_totals = {label: cell["count"] or 0 for label, cell in venue["emotions"].items()}
    assert max(shown_totals, key=lambda label: shown_totals[label]) == "happy"
    assert page.inner_text("#rank-emotion") == "happy"

    # Rows in the order of the API's happy shares, highest first, not alphabetical; each with its counts.
    shown = [group for group in exhibits["groups"] if not group["suppressed"]]
    expected = sorted(shown, key=lambda group: (-group["emotions"]["happy"]["share"], group["name"]))
    rows = page.locator("#exhibit-ranking li")
    assert rows.count() == 3
    assert [rows.nth(i).locator(".name").inner_text() for i in range(3)] == [
        f"{rank}. {group['name']}" for rank, group in enumerate(expected, start=1)
    ]
    assert expected[0]["name"] == LONG_TITLE and expected[-1]["name"] == "Amphora"
    for i, group in enumerate(expected):
        happy = group["emotions"]["happy"]
        assert f"happy {math.floor(happy['share'] * 1000 + 0.5) / 10:g}%" == rows.nth(i).locator(".share").inner_text()
        assert rows.nth(i).locator(".counts").inner_text() == (
            f"{happy['count']} happy of {group['events']} events · {group['visitors']} visitors"
        )
    assert "Quiet corner" in page.inner_text("#suppressed-exhibits")
    assert "fewer than 5 visitors" in page.inner_text("#suppressed-exhibits")

    # Totals (the venue's own perturbed numbers) and the days the data spans.
    assert page.inner_text("#totals") == f"{venue['events']} events from {venue['visitors']} visitors"
    assert page.inner_text("#range") == f"18 Nov 2026 {EN_DASH} 20 Nov 2026"
    assert page.inner_text("#range-note") == "(first and last day with data)"

    # The hour axis spans the venue-local hours with data only.
    hours = sorted(group["key"] for group in api(page, group_by="hour")["groups"])
    axis = page.evaluate("() => Chart.getChart(document.getElementById('chart-hours')).data.labels")
    assert axis == [f"{hour}:00" for hour in range(hours[0], hours[-1] + 1)] and len(axis) < 24

    # Human wording; nothing cut off or wider than the phone; readable contrast everywhere.
    assert "min_group_size" not in page.inner_text("body")
    assert "fewer than 5 visitors are hidden" in page.inner_text(".note")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_WIDTH
    long_name = rows.nth(0).locator(".name")
    assert long_name.evaluate(
        "(el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= innerWidth"
    )
    assert page.evaluate(CONTRAST_JS) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard-phone.png", full_page=True, animations="disabled")


def test_a_chosen_emotion_reranks_and_an_empty_range_says_so(page: Page, live_server: LiveServer) -> None:
    page.wait_for_selector("body[data-ready=true]")
    page.select_option("#emotion", "neutral")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    assert "emotion=neutral" in page.url
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("#rank-emotion") == "neutral"
    first = page.locator("#exhibit-ranking li .name").first.inner_text()
    assert first == "1. Amphora", "the mostly neutral exhibit leads (the shield has no neutral; Portrait's is hidden)"

    page.goto(f"{live_server.url}/reports/dashboard/?date_from=2026-01-01&date_to=2026-01-31")
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_visible("#empty") and not page.is_visible("#charts")
    assert page.inner_text("#empty-title") == "No data for this range"
    assert "between 1 Jan 2026 and 31 Jan 2026" in page.inner_text("#empty-text")
    assert page.inner_text("#range") == f"1 Jan 2026 {EN_DASH} 31 Jan 2026"
    assert page.inner_text("#totals") == "no events"


def test_the_dashboard_passes_axe_on_a_phone_and_at_320_px_with_200_percent_text(page: Page) -> None:
    from tests.visit.axe import assert_accessible

    page.wait_for_selector("body[data-ready=true]")
    assert_accessible(page, "dashboard on a phone")
    page.set_viewport_size({"width": 320, "height": 640})
    page.add_style_tag(content="html { font-size: 200% !important; }")
    assert_accessible(page, "dashboard at 320 px, 200% text")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the dashboard needs sideways scrolling: {width} px"
    page.goto(page.url.replace("/reports/dashboard/", "/reports/login/"))
    assert_accessible(page, "analysts' sign-in")
