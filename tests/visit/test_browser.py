"""The visitor web app in headless Chromium, end to end: a live server, a real Celery worker, Redis, PostgreSQL.

A phone-sized browser goes through consent, wishes, exhibit search, a faceless photo (plain-language
error), a real portrait (scikit-image's astronaut), the result, recommendations, a planned route, the
journey, the QR deep link and the erasure of all data. Every step is saved as visit-<step>.png
(in docs/ when VISIT_SCREENSHOTS_DIR=docs).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django.fixtures import SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from emotions.classifier import clear_classifier_cache
from emotions.models import Capture, EmotionEvent, Visitor
from exhibits.demo import demo_venue_seed
from tests.celery_worker import Worker
from tests.visit.browser import BROWSER_MARKS, SCREENSHOTS, WORKER_TIMEOUT_MS, Phone, files_under, in_thread
from visit.texts import ui_texts

pytestmark = BROWSER_MARKS


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
    # Happy, surprise, neutral; the first request for the model's labels loads the model.
    expect(choices.get_by_role("checkbox")).to_have_count(len(texts["wishes"]), timeout=WORKER_TIMEOUT_MS)
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
        re.compile(r"^The camera (most likely )?saw an? [\w“”]+ expression \(\d{1,3}%\)(\.|, but .*\.)$")
    )
    expect(result.locator("#result-scores")).to_be_hidden()  # every score is one tap away, not in the way
    result.get_by_text(ui["scores_summary"]).click()
    expect(result.locator("#result-scores li")).to_have_count(7)
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
    # The wishes need the model's labels: the first request loads the model (slow on busy CPUs).
    expect(page.get_by_role("heading", name=ui["emotions_title"])).to_be_focused(timeout=WORKER_TIMEOUT_MS)
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
    # The phone could not decode it either: it went as it was, and the page said so.
    expect(page.get_by_text(ui["photo_sent_as_is"])).to_be_visible()
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
