"""The visitor web app in headless Chromium, end to end: a live server, a real Celery worker, Redis, PostgreSQL.

A phone-sized browser goes through consent, wishes, exhibit search, a faceless photo (plain-language
error), a real portrait (scikit-image's astronaut), the result, recommendations, a planned route, the
journey, the QR deep link and the erasure of all data. Every step is saved as visit-<step>.png
(in docs/ when VISIT_SCREENSHOTS_DIR=docs).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
import redis
from django.conf import settings
from django.db import connection
from PIL import Image
from pytest_django.fixtures import SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from emotions.classifier import clear_classifier_cache
from emotions.models import Capture, EmotionEvent, Visitor
from exhibits.demo import demo_venue_seed
from exhibits.walking import clear_walking_cache
from recommendations.selectors import clear_venue_cache
from tests.celery_worker import Worker, worker_database_url
from tests.emotions import images
from visit.texts import ui_texts

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
T = TypeVar("T")
TIMEOUT_MS = 30_000
WORKER_TIMEOUT_MS = 180_000  # the first task loads the model; the 2 CPUs may be busy

pytestmark = [
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
  new MutationObserver(() => window.__statusLog.push(status.textContent)).observe(status, {childList: true});
});
"""


@pytest.fixture
def private_root(settings: SettingsWrapper, tmp_path: Path) -> Path:
    """The live server and the worker share this private media root (where selfies wait)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMOTION_MODEL_PATH = SHIPPED_MODEL
    settings.RECOMMENDATIONS_CACHE_SECONDS = 0
    clear_classifier_cache()
    clear_walking_cache()
    clear_venue_cache()
    return tmp_path / "private"


@pytest.fixture
def worker(transactional_db: None, private_root: Path, tmp_path: Path) -> Iterator[Worker]:
    """A real `celery worker` process on the test database and REDIS_URL's db (flushed before and after)."""
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.flushdb()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=worker_database_url(),
        REDIS_URL=settings.REDIS_URL,
        EMOTION_MODEL_PATH=str(SHIPPED_MODEL),
        PRIVATE_MEDIA_ROOT=str(private_root),
        EMOTION_MODEL_NUM_THREADS="1",
        DJANGO_DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    process = Worker(env, tmp_path / "worker.log")
    process.start()
    yield process
    process.stop()
    broker.flushdb()
    broker.close()


@pytest.fixture
def photos(tmp_path: Path) -> dict[str, Path]:
    """A real portrait (the astronaut) and a faceless gradient, as JPEG files a phone would pick."""
    from skimage import data

    portrait = tmp_path / "astronaut.jpg"
    Image.fromarray(data.astronaut()).save(portrait, format="JPEG", quality=92)
    faceless = tmp_path / "wall.jpg"
    faceless.write_bytes(images.faceless_jpeg())
    return {"portrait": portrait, "faceless": faceless}


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


@pytest.fixture
def phone(live_server: LiveServer) -> Iterator[Phone]:
    """A fresh browser profile (empty localStorage) on a 390x844 touch screen."""
    from playwright.sync_api import ConsoleMessage, expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(
            viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT}, is_mobile=True, has_touch=True, locale="en-GB"
        )
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        context.add_init_script(STATUS_LOG_SCRIPT)
        phone = Phone(context.new_page(), [])

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                phone.problems.append(message.text)

        phone.page.on("console", console)
        phone.page.on("pageerror", lambda error: phone.problems.append(str(error)))
        yield phone
        browser.close()


@pytest.mark.e2e
@pytest.mark.redis
@pytest.mark.postgres
def test_a_visitor_goes_through_the_whole_app_on_a_phone(
    live_server: LiveServer, worker: Worker, phone: Phone, photos: dict[str, Path], private_root: Path
) -> None:
    from playwright.sync_api import expect

    in_thread(lambda: demo_venue_seed(with_images=False))
    texts = ui_texts()
    ui, errors = texts["ui"], texts["errors"]
    page, shot = phone.page, phone.shot

    # Privacy notice and consent: the text comes from /api/v1/privacy/.
    page.goto(f"{live_server.url}/visit/")
    expect(page.locator("#privacy-text")).to_contain_text("Emotion analysis is optional")
    expect(page.locator("#privacy-version")).to_contain_text(settings.PRIVACY_NOTICE_VERSION)
    page.get_by_test_id("consent").check()
    shot("consent")
    page.get_by_test_id("consent-continue").click()

    # Wishes: the active model's labels, named for people.
    choices = page.get_by_test_id("emotion-choice")
    expect(choices.get_by_role("checkbox")).to_have_count(len(texts["emotions"]))
    choices.get_by_label(texts["emotions"]["surprise"]).check()
    choices.get_by_label(texts["emotions"]["happy"]).check()
    shot("emotions")
    page.get_by_test_id("emotions-continue").click()

    # The exhibit: searched in the catalogue and picked from the list.
    exhibits = page.get_by_test_id("exhibit-select")
    expect(exhibits.get_by_role("radio").first).to_be_visible()
    page.get_by_test_id("exhibit-search").fill("river port")
    expect(exhibits.get_by_role("radio")).to_have_count(1)
    exhibits.get_by_label(re.compile("Model of the Old River Port")).check()
    shot("exhibit")
    page.get_by_test_id("exhibit-continue").click()
    at_river_port = ui["selfie_at"].format(title="Model of the Old River Port")
    expect(page.locator("#selfie-exhibit")).to_have_text(at_river_port)

    # A photo without a face: the worker says no_face, the page says what to do about it.
    submit = page.get_by_test_id("submit")
    expect(submit).to_be_disabled()
    page.get_by_test_id("selfie-input").set_input_files(photos["faceless"])
    submit.click()
    expect(page.get_by_role("alert")).to_have_text(errors["no_face"], timeout=WORKER_TIMEOUT_MS)
    shot("no-face")

    # The astronaut: uploaded with progress, polled until the worker is done.
    page.get_by_test_id("selfie-input").set_input_files(photos["portrait"])
    expect(page.locator("#selfie-preview")).to_be_visible()
    expect(page.get_by_role("alert")).to_be_hidden()
    shot("selfie")
    submit.click()
    result = page.get_by_test_id("emotion-result")
    expect(result).to_be_visible(timeout=WORKER_TIMEOUT_MS)
    expect(result.locator("#result-line")).to_have_text(
        re.compile(r"^The camera saw an? [\w“”]+ expression \(\d{1,3}%\)\.$")
    )
    statuses: list[str] = page.evaluate("window.__statusLog")
    assert ui["status_uploading"].format(percent=100) in statuses, statuses
    assert ui["status_analysing"] in statuses, statuses

    # Recommendations for the next exhibits, then a route that fits 45 minutes.
    recommendations = page.get_by_test_id("recommendations").locator("li.card")
    expect(recommendations.first).to_be_visible()
    assert 1 <= recommendations.count() <= 5
    shot("result")
    page.get_by_test_id("plan-minutes").fill("45")
    page.get_by_test_id("plan").click()
    route = page.get_by_test_id("route")
    expect(route).to_be_visible()
    stops = route.locator("li.stop")
    expect(stops.first).to_be_visible()
    arrivals = [int(re.match(r"Minute (\d+):", text).group(1)) for text in stops.all_inner_texts()]  # type: ignore[union-attr]
    assert arrivals == sorted(arrivals) and arrivals[-1] <= 45, arrivals
    expect(route.locator("#route-summary")).to_contain_text("From Model of the Old River Port:")
    route.scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "visit-route.png", animations="disabled")  # what the phone shows

    # My journey: the one analysed photo, at its exhibit.
    page.get_by_role("button", name=ui["nav_journey"]).click()
    journey = page.get_by_test_id("journey").locator("li")
    expect(journey).to_have_count(1)
    expect(journey.first).to_contain_text("Model of the Old River Port")
    expect(journey.first).to_contain_text(re.compile(r"expression \(\d{1,3}%\)"))
    shot("journey")

    # A QR code's deep link: the returning visitor lands on the selfie step at that exhibit.
    page.goto(f"{live_server.url}/visit/e/foundation-stone")
    expect(page.locator("#exhibit-title")).to_have_text("Foundation Stone of the Museum")
    expect(page.locator("#selfie-exhibit")).to_have_text(ui["selfie_at"].format(title="Foundation Stone of the Museum"))
    shot("deep-link")

    # Delete my data, after a confirmation.
    visitor = in_thread(Visitor.objects.get)
    assert visitor.desired_emotions == ["happy", "surprise"] and visitor.consent_emotion_analysis
    page.get_by_role("button", name=ui["nav_data"]).click()
    page.get_by_test_id("delete-data").click()
    expect(page.get_by_test_id("delete-confirm")).to_be_visible()
    assert in_thread(Visitor.objects.count) == 1  # nothing is deleted before the visitor confirms
    shot("delete")
    page.get_by_test_id("delete-confirm").click()
    expect(page.get_by_role("heading", name=ui["deleted_title"])).to_be_visible()
    shot("deleted")
    assert page.evaluate("Object.keys(localStorage)") == []

    assert in_thread(Visitor.objects.count) == 0
    assert in_thread(EmotionEvent.objects.count) == 0 and in_thread(Capture.objects.count) == 0
    assert files_under(private_root) == []
    assert phone.problems == []


def test_refused_consent_a_file_that_is_no_photo_and_a_missing_model_are_explained_in_plain_words(
    live_server: LiveServer, phone: Phone, photos: dict[str, Path], private_root: Path, settings: SettingsWrapper
) -> None:
    from playwright.sync_api import expect

    in_thread(lambda: demo_venue_seed(with_images=False))
    texts = ui_texts()
    ui, errors = texts["ui"], texts["errors"]
    page = phone.page
    alert = page.get_by_role("alert")

    # The visitor declines emotion analysis; keyboard focus follows each new step's heading.
    page.goto(f"{live_server.url}/visit/")
    expect(page.locator("#privacy-text")).to_contain_text("Emotion analysis is optional")
    expect(page.get_by_test_id("consent")).not_to_be_checked()
    page.get_by_test_id("consent-continue").click()
    expect(page.get_by_role("heading", name=ui["emotions_title"])).to_be_focused()
    page.get_by_test_id("emotions-continue").click()  # nothing chosen yet
    expect(page.get_by_role("status")).to_have_text(ui["emotions_choose_first"])
    page.get_by_test_id("emotion-choice").get_by_label(texts["emotions"]["neutral"]).check()
    page.get_by_test_id("emotions-continue").click()
    expect(page.get_by_role("heading", name=ui["exhibit_title"])).to_be_focused()
    page.get_by_test_id("exhibit-select").get_by_role("radio").first.check()
    page.get_by_test_id("exhibit-continue").click()

    # A selfie without consent: refused by the API (403 consent_required), explained on the page.
    expect(page.get_by_text(ui["consent_off"])).to_be_visible()
    page.get_by_test_id("selfie-input").set_input_files(photos["portrait"])
    page.get_by_test_id("submit").click()
    expect(alert).to_have_text(errors["consent_required"])
    phone.shot("no-consent")

    # Consent given on the spot; then a file that is not a photo at all.
    page.get_by_role("button", name=ui["consent_turn_on"]).click()
    expect(page.get_by_text(ui["consent_off"])).to_be_hidden()
    notes = private_root.parent / "notes.jpg"
    notes.write_text("shopping list: milk, bread")
    page.get_by_test_id("selfie-input").set_input_files(notes)
    page.get_by_test_id("submit").click()
    expect(alert).to_have_text(errors["not_an_image"])
    assert in_thread(lambda: Visitor.objects.get().consent_emotion_analysis)

    # Consent withdrawn and given again under "My data".
    page.get_by_role("button", name=ui["nav_data"]).click()
    page.get_by_role("button", name=ui["data_withdraw"]).click()
    expect(page.get_by_text(ui["data_consent_off"])).to_be_visible()
    assert not in_thread(lambda: Visitor.objects.get().consent_emotion_analysis)
    page.get_by_role("button", name=ui["data_give"]).click()
    expect(page.get_by_text(ui["data_consent_on"])).to_be_visible()

    # The emotion model cannot be loaded: a new visitor is told so when the labels fail to load.
    settings.EMOTION_MODEL_PATH = private_root.parent / "missing-model.pt"
    clear_classifier_cache()
    page.evaluate("localStorage.clear()")
    page.reload()
    page.get_by_test_id("consent").check()
    page.get_by_test_id("consent-continue").click()
    expect(alert).to_have_text(errors["model_unavailable"])
    assert in_thread(lambda: Capture.objects.count()) == 0
    assert [problem for problem in phone.problems if "Failed to load resource" not in problem] == []
