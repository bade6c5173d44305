"""The QR page and the selfie upload in headless Chromium: the exhibit card, the photo prepared on the phone,
cancel, retry and the time-out of waiting for a reading.

No Celery worker: an accepted selfie waits in the queue, so cancelling and the time-out are not a race against
a fast worker; the test then reads the photo with the real model and the real service, in its own process.
"""

from __future__ import annotations

import io
import re
from email.parser import BytesParser
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image
from pytest_django.fixtures import SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from emotions.models import Capture, CaptureStatus
from emotions.services import capture_classify
from exhibits.demo import demo_venue_seed
from tests.visit.axe import assert_accessible
from tests.visit.browser import BROWSER_MARKS, PHONE_HEIGHT, SCREENSHOTS, WORKER_TIMEOUT_MS, Phone, in_thread
from visit.texts import ui_texts

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = BROWSER_MARKS

FOUNDATION_STONE, RIVER_PORT = "Foundation Stone of the Museum", "Model of the Old River Port"
UPLOAD_LIMIT_BYTES = 600_000  # what a 12 MP selfie may weigh once the phone has prepared it
EXIF_ORIENTATION = 0x0112


def _in_viewport(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def test_the_qr_card_collapses_after_consent_and_follows_a_change_of_exhibit(
    live_server: LiveServer, phone: Phone, private_root: Path, settings: SettingsWrapper, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    in_thread(lambda: demo_venue_seed(with_images=True))  # the card with its picture, as on a real label
    texts = ui_texts()
    ui = texts["ui"]
    page = phone.page
    card = page.locator(".exhibit-card")

    # The QR code's page: the whole card, and consent with its button above the fold of a 390x844 phone.
    page.goto(f"{live_server.url}/visit/e/foundation-stone")
    expect(page.locator("#privacy-text")).to_contain_text("Emotion analysis is optional")
    expect(card.locator("img")).to_be_visible()
    expect(card).not_to_have_class(re.compile("compact"))
    assert page.evaluate("window.scrollY") == 0
    page.screenshot(path=SCREENSHOTS / "visit-qr-consent-fold.png", animations="disabled")  # what the phone shows
    for control in (page.get_by_test_id("consent"), page.get_by_test_id("consent-continue")):
        box = control.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE_HEIGHT, box
    page.get_by_test_id("consent").check()
    page.get_by_test_id("consent-continue").click()

    # After the first step: a small header naming the exhibit; the step starts at its own heading.
    heading = page.get_by_role("heading", name=ui["emotions_title"])
    expect(heading).to_be_focused(timeout=WORKER_TIMEOUT_MS)  # the first request for labels loads the model
    expect(card).to_have_class(re.compile("compact"))
    expect(card.locator("h1")).to_have_text(FOUNDATION_STONE)
    expect(card.locator("img")).to_be_hidden()
    assert _in_viewport(page, heading) and _in_viewport(page, card)
    page.get_by_test_id("emotion-choice").get_by_label(texts["emotions"]["happy"]).check()
    page.get_by_test_id("emotions-continue").click()
    expect(page.locator("#selfie-exhibit")).to_have_text(ui["selfie_at"].format(title=FOUNDATION_STONE))

    # "Change exhibit": the card follows the visitor to the exhibit they picked, with its own hall.
    page.get_by_role("button", name=ui["selfie_change_exhibit"]).click()
    expect(page.get_by_role("heading", name=ui["exhibit_title"])).to_be_focused()
    page.get_by_test_id("exhibit-select").get_by_label(re.compile(RIVER_PORT)).check()
    page.get_by_test_id("exhibit-continue").click()
    expect(page.locator("#selfie-exhibit")).to_have_text(ui["selfie_at"].format(title=RIVER_PORT))
    expect(card).to_be_visible()
    expect(card.locator("h1")).to_have_text(RIVER_PORT)
    expect(card.locator(".where")).to_contain_text(re.compile(r"floor", re.IGNORECASE))
    expect(card.locator(".byline")).to_be_hidden()  # the Foundation Stone's creator is not the port model's
    phone.shot("qr-changed-exhibit")

    # From the bottom of a long result back to the selfie: the step's heading is on screen, under the card.
    page.get_by_role("button", name=ui["selfie_skip"]).click()
    expect(page.get_by_test_id("recommendations").locator("li.card").first).to_be_visible()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.get_by_role("button", name=ui["result_again"]).click()
    selfie = page.get_by_role("heading", name=ui["selfie_title"])
    expect(selfie).to_be_focused()
    assert _in_viewport(page, selfie) and _in_viewport(page, card)
    expect(card.locator("h1")).to_have_text(RIVER_PORT)

    # Back (past the result, the port's selfie step and the list) to the QR code's own exhibit: its card again,
    # after a reload too.
    for _ in range(4):
        page.go_back()
    expect(page.locator("#selfie-exhibit")).to_have_text(ui["selfie_at"].format(title=FOUNDATION_STONE))
    expect(card.locator("h1")).to_have_text(FOUNDATION_STONE)
    page.reload()
    expect(page.locator("#selfie-exhibit")).to_have_text(ui["selfie_at"].format(title=FOUNDATION_STONE))
    expect(card).to_have_class(re.compile("compact"))
    assert [problem for problem in phone.problems if "Failed to load resource" not in problem] == []


def _twelve_megapixel_selfie(path: Path) -> int:
    """A 4032x3024 JPEG as a phone stores a portrait shot: pixels sideways, EXIF Orientation 6 (rotate 90° CW).

    The face is scikit-image's astronaut, upright once the orientation is applied; sensor-like noise keeps the
    file as heavy as a real photo's. Returns its size in bytes.
    """
    from skimage import data

    upright = Image.fromarray(data.astronaut()).resize((3024, 4032), Image.Resampling.BICUBIC)
    noise = np.random.default_rng(0).normal(0, 6, (4032, 3024, 3))
    upright = Image.fromarray(np.clip(np.asarray(upright, dtype=np.float64) + noise, 0, 255).astype(np.uint8))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what the sensor wrote; orientation 6 undoes it
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    stored.save(path, format="JPEG", quality=92, exif=exif)
    return path.stat().st_size


def _image_part(body: bytes, content_type: str) -> bytes:
    """The `image` part of a multipart/form-data body."""
    message = BytesParser().parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    for part in message.walk():
        if part.get_param("name", header="content-disposition") == "image":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload
    raise AssertionError("no image part in the upload")


def test_a_12_mp_photo_is_sent_small_and_upright_and_cancel_retry_and_time_out_each_lead_on(
    live_server: LiveServer, phone: Phone, private_root: Path, settings: SettingsWrapper, tmp_path: Path
) -> None:
    from playwright.sync_api import Request, Route, expect

    settings.VISIT_POLL_TIMEOUT_SECONDS = 8  # the page gives up waiting quickly; the worker never comes
    in_thread(lambda: demo_venue_seed(with_images=False))
    texts = ui_texts()
    ui = texts["ui"]
    page = phone.page
    photo = tmp_path / "IMG_0001.jpg"
    original_bytes = _twelve_megapixel_selfie(photo)
    assert original_bytes > 2_000_000  # a real 12 MP photo's weight: 2-6 MB

    uploads: list[Request] = []

    def measure(route: Route) -> None:
        if route.request.method == "POST":
            uploads.append(route.request)
        route.continue_()

    page.route(re.compile(r"/api/v1/captures/$"), measure)
    page.goto(f"{live_server.url}/visit/e/old-river-port-model")
    expect(page.locator("#privacy-text")).to_contain_text("Emotion analysis is optional")
    page.get_by_test_id("consent").check()
    page.get_by_test_id("consent-continue").click()
    happy = page.get_by_test_id("emotion-choice").get_by_label(texts["emotions"]["happy"])
    expect(happy).to_be_visible(timeout=WORKER_TIMEOUT_MS)
    happy.check()
    page.get_by_test_id("emotions-continue").click()
    expect(page.locator("#selfie-exhibit")).to_have_text(ui["selfie_at"].format(title=RIVER_PORT))

    # Sent: the "analysing" state with its spinner and a cancel button; cancelling offers "Try again".
    page.get_by_test_id("selfie-input").set_input_files(photo)
    page.get_by_test_id("submit").click()
    analysing = page.get_by_test_id("analysing")
    expect(analysing).to_be_visible()
    expect(analysing.locator(".spinner")).to_be_visible()
    expect(page.get_by_test_id("submit")).to_be_disabled()
    phone.shot("selfie-analysing")
    page.get_by_test_id("capture-cancel").click()
    stopped = page.get_by_test_id("capture-stopped")
    expect(stopped).to_contain_text(ui["capture_cancelled"])
    expect(analysing).to_be_hidden()
    retry = stopped.get_by_role("button", name=ui["retry"])
    expect(retry).to_be_focused()

    # Try again: waiting resumes; nobody reads the photo within the page's limit, which says so, with a retry.
    retry.click()
    expect(analysing).to_be_visible()
    expect(stopped).to_contain_text(ui["capture_timeout"], timeout=WORKER_TIMEOUT_MS)
    expect(analysing).to_be_hidden()
    phone.shot("selfie-timeout")
    assert_accessible(page, "selfie, waited too long")

    # What left the phone: under 600 KB, 1600 px on the long side, upright, no EXIF; one capture, however retried.
    assert uploads, "the photo was never sent"
    for request in uploads:
        body = request.post_data_buffer
        assert body is not None and len(body) < UPLOAD_LIMIT_BYTES, (len(body or b""), original_bytes)
    sent = Image.open(io.BytesIO(_image_part(uploads[0].post_data_buffer or b"", uploads[0].headers["content-type"])))
    assert sent.format == "JPEG" and sent.size == (1200, 1600), sent.size  # portrait: the orientation applied
    assert not sent.getexif(), dict(sent.getexif())
    capture = in_thread(Capture.objects.get)
    assert (capture.image_width, capture.image_height) == (1200, 1600)
    assert capture.status == CaptureStatus.PENDING

    # The reading arrives late (here: the real service and model, run by the test); "Try again" finds it.
    in_thread(lambda: capture_classify(capture_id=capture.pk))
    retry.click()
    result = page.get_by_test_id("emotion-result")
    expect(result).to_be_visible(timeout=WORKER_TIMEOUT_MS)
    reading = re.compile(r"^The camera (most likely )?saw an? .+\(\d{1,3}%\)")
    expect(result.locator("#result-line")).to_have_text(reading)
    assert in_thread(Capture.objects.count) == 1
    assert in_thread(lambda: Capture.objects.get().status) == CaptureStatus.DONE
    assert [problem for problem in phone.problems if "Failed to load resource" not in problem] == []
