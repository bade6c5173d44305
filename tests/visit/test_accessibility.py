"""axe-core on every screen of the visitor web app, in each language, on a phone and on a narrow one with 200% text.

No serious or critical violation (axe's impacts) may remain, and nothing may need sideways scrolling at 320 px
(WCAG 1.4.10 reflow). The result with a reading is checked in test_browser_upload.py, where a photo is read.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from pytest_django.fixtures import SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from exhibits.demo import demo_venue_seed
from tests.visit.axe import assert_accessible
from tests.visit.browser import (
    BROWSER_MARKS,
    PHONE_HEIGHT,
    PHONE_WIDTH,
    WORKER_TIMEOUT_MS,
    Phone,
    PhoneScreen,
    in_thread,
)

pytestmark = BROWSER_MARKS

PHONE = PhoneScreen(PHONE_WIDTH, PHONE_HEIGHT)
NARROW_LARGE_TEXT = PhoneScreen(320, 640, text_scale=2.0)  # the smallest phones, text at 200%
A11Y_SCREENSHOTS = Path(tempfile.gettempdir()) / "museum_guide-visit-a11y"


# The elements that stick out on the right, to name them when the page does not fit.
WIDER_THAN_SCREEN_JS = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5)
  .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}: ${el.getBoundingClientRect().right}`)"""


@pytest.fixture
def phone_locale(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "en-GB"))


@pytest.fixture
def phone_screen(request: pytest.FixtureRequest) -> PhoneScreen:
    screen: PhoneScreen = getattr(request, "param", PHONE)
    return screen


def _check(phone: Phone, screen: str) -> None:
    """axe finds nothing serious, and the page fits the screen's width (no sideways scrolling)."""
    page = phone.page
    assert_accessible(page, screen)
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDER_THAN_SCREEN_JS)
    viewport = page.viewport_size
    assert viewport is not None and width <= viewport["width"], f"{screen}: {width} px wide: {wide}"
    # Kept for a look by eye in a temporary folder (not docs/: there are forty of them).
    language = page.evaluate("document.documentElement.lang")
    name = re.sub(r"\W+", "-", f"{language}-{viewport['width']}-{screen}")
    page.screenshot(path=A11Y_SCREENSHOTS / f"{name}.png", full_page=True, animations="disabled")


@pytest.mark.parametrize(
    ("phone_locale", "phone_screen"),
    [("en-GB", PHONE), ("ru-RU", PHONE), ("en-GB", NARROW_LARGE_TEXT), ("ru-RU", NARROW_LARGE_TEXT)],
    indirect=True,
    ids=["en-phone", "ru-phone", "en-320px-200%", "ru-320px-200%"],
)
def test_every_visitor_screen_passes_axe(
    live_server: LiveServer,
    phone: Phone,
    phone_screen: PhoneScreen,
    photos: dict[str, Path],
    private_root: Path,
    settings: SettingsWrapper,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    A11Y_SCREENSHOTS.mkdir(exist_ok=True)
    in_thread(lambda: demo_venue_seed(with_images=True))
    page = phone.page

    # The exhibit page a QR code opens, at its first step (consent).
    page.goto(f"{live_server.url}/visit/e/foundation-stone")
    expect(page.locator("#privacy-text p").first).to_be_visible()
    _check(phone, "QR page, consent")
    if phone_screen == PHONE:  # in either language, consent and its button above the fold of a 390x844 phone
        for control in (page.get_by_test_id("consent"), page.get_by_test_id("consent-continue")):
            box = control.bounding_box()
            assert box is not None and box["y"] + box["height"] <= PHONE_HEIGHT, box
    page.get_by_test_id("consent").check()
    page.get_by_test_id("consent-continue").click()

    choices = page.get_by_test_id("emotion-choice").get_by_role("checkbox")
    expect(choices.first).to_be_visible(timeout=WORKER_TIMEOUT_MS)  # the first request for labels loads the model
    _check(phone, "wishes")
    choices.first.check()
    page.get_by_test_id("emotions-continue").click()

    expect(page.locator("#h-selfie")).to_be_focused()
    page.get_by_test_id("selfie-input").set_input_files(photos["portrait"])
    expect(page.locator("#selfie-preview")).to_be_visible()
    _check(phone, "selfie with a photo chosen")

    page.locator("#change-exhibit").click()
    expect(page.get_by_test_id("exhibit-select").get_by_role("radio").first).to_be_visible()
    _check(phone, "exhibit list")
    page.get_by_test_id("exhibit-select").get_by_role("radio").nth(1).check()
    page.get_by_test_id("exhibit-continue").click()

    expect(page.locator("#h-selfie")).to_be_focused()
    page.locator("#skip-selfie").click()
    expect(page.get_by_test_id("recommendations").locator("li.card").first).to_be_visible()
    page.get_by_test_id("plan").click()
    expect(page.get_by_test_id("route").locator("li.stop").first).to_be_visible()
    _check(phone, "suggestions and a route")

    page.locator('#nav button[data-nav="journey"]').click()
    expect(page.locator("#h-journey")).to_be_focused()
    _check(phone, "my journey")

    page.locator('#nav button[data-nav="data"]').click()
    page.get_by_test_id("delete-data").click()
    expect(page.get_by_test_id("delete-confirm")).to_be_visible()
    _check(phone, "my data, deletion asked")
    page.get_by_test_id("delete-confirm").click()
    expect(page.locator("#h-deleted")).to_be_focused()
    _check(phone, "data deleted")

    # The app without an exhibit, and the page of a QR label whose exhibit is not on display.
    page.goto(f"{live_server.url}/visit/")
    expect(page.locator("#privacy-text p").first).to_be_visible()
    _check(phone, "app, consent")
    response = page.goto(f"{live_server.url}/visit/e/no-such-exhibit")
    assert response is not None and response.status == 404
    _check(phone, "not on display")
    assert [problem for problem in phone.problems if "Failed to load resource" not in problem] == []
