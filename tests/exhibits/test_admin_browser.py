"""The catalogue admin in headless Chromium on a 1440 px screen: hall pages fit, the floor plan follows typing."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from pytest_django.live_server_helper import LiveServer

from exhibits.demo import demo_venue_seed
from exhibits.models import Exhibit, Hall
from tests.visit.browser import BROWSER_MARKS, CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_MARKS
SCREEN_WIDTH = 1440
# Screenshots for a look by eye go to `ADMIN_SCREENSHOTS_DIR`, by default a temporary folder.
SCREENSHOTS = Path(os.environ.get("ADMIN_SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "museum_guide-admin")


@dataclass(frozen=True)
class Demo:
    """What the pages should show, read before the browser starts (the ORM refuses Playwright's loop)."""

    hall: Hall
    hall_exhibits: int
    exhibit: Exhibit


@pytest.fixture
def demo(transactional_db: None) -> Demo:
    """The demo venue (its busiest hall and that hall's first exhibit) and a superuser."""
    demo_venue_seed(with_images=False)
    User.objects.create_superuser("sam", password="pw-sam-123456")
    hall = max(Hall.objects.all(), key=lambda hall: (hall.exhibits.count(), hall.passages().count()))
    exhibit = hall.exhibits.order_by("title").first()
    assert exhibit is not None
    return Demo(hall=hall, hall_exhibits=hall.exhibits.count(), exhibit=exhibit)


@pytest.fixture
def page(live_server: LiveServer, demo: Demo) -> Iterator[Page]:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": SCREEN_WIDTH, "height": 900})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", "sam")
        page.fill("input[name=password]", "pw-sam-123456")
        page.click("input[type=submit]")
        page.wait_for_selector("#site-name")
        yield page
        browser.close()
    assert errors == []


def test_a_hall_page_with_its_exhibits_and_passages_fits_a_1440_px_screen(
    page: Page, live_server: LiveServer, demo: Demo
) -> None:
    page.goto(f"{live_server.url}/admin/exhibits/hall/{demo.hall.pk}/change/")

    assert page.locator("#exhibits-group tbody tr.form-row.has_original").count() == demo.hall_exhibits
    assert page.evaluate("() => document.documentElement.scrollWidth") <= SCREEN_WIDTH
    for group in ("#exhibits-group", "#passages_a-group", "#passages_b-group"):
        assert page.evaluate(f"() => document.querySelector('{group}').getBoundingClientRect().right") <= SCREEN_WIDTH
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-hall.png", full_page=True)


def test_the_exhibit_page_marks_the_exhibit_on_its_floor_and_follows_new_coordinates(
    page: Page, live_server: LiveServer, demo: Demo
) -> None:
    exhibit = demo.exhibit
    page.goto(f"{live_server.url}/admin/exhibits/exhibit/{exhibit.pk}/change/")
    marker = page.locator("svg[data-position-preview] [data-this-exhibit]")
    assert marker.is_visible()
    assert float(marker.get_attribute("cx") or "nan") == exhibit.position_x_m
    assert page.locator("svg[data-position-preview] circle.plan-exhibit").count() >= 5

    page.fill("#id_position_x_m", "7.25")

    assert marker.get_attribute("cx") == "7.25"
    assert page.locator(".emotion-weights input[type=number]").count() == 7
    assert page.evaluate("() => document.documentElement.scrollWidth") <= SCREEN_WIDTH
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "admin-exhibit.png", full_page=True)
