"""The visitor app when things go sideways: Back and reload, a language switch mid-visit, an exhibit taken off
display, and failing requests (simulated with Playwright's request routing), each with a way forward.

No Celery worker: these paths need none (the selfie is skipped, or refused before it reaches the server).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django.live_server_helper import LiveServer

from emotions.models import Visitor
from exhibits.demo import demo_venue_seed
from exhibits.models import Exhibit
from tests.visit.browser import BROWSER_MARKS, SCREENSHOTS, WORKER_TIMEOUT_MS, Phone, in_thread
from visit.texts import ui_texts

pytestmark = BROWSER_MARKS

RIVER_PORT, RIVER_PORT_RU = "Model of the Old River Port", "Макет старого речного порта"


def _start_a_visit(phone: Phone, url: str, *, consent: bool) -> None:
    """Consent (or not), wish to be happy, stand at the river port model: the selfie step."""
    from playwright.sync_api import expect

    page, ui, emotions = phone.page, ui_texts()["ui"], ui_texts()["emotions"]
    page.goto(url)
    expect(page.locator("#privacy-text")).to_contain_text("Emotion analysis is optional")
    if consent:
        page.get_by_test_id("consent").check()
    page.get_by_test_id("consent-continue").click()
    happy = page.get_by_test_id("emotion-choice").get_by_label(emotions["happy"])
    expect(happy).to_be_visible(timeout=WORKER_TIMEOUT_MS)  # the first request for labels loads the model
    happy.check()
    page.get_by_test_id("emotions-continue").click()
    page.get_by_test_id("exhibit-select").get_by_label(re.compile(RIVER_PORT)).check()
    page.get_by_test_id("exhibit-continue").click()
    expect(page.locator("#selfie-exhibit")).to_have_text(ui["selfie_at"].format(title=RIVER_PORT))


def test_back_and_reload_keep_the_step_the_exhibit_the_result_and_the_route(
    live_server: LiveServer, phone: Phone, private_root: Path
) -> None:
    from playwright.sync_api import expect

    in_thread(lambda: demo_venue_seed(with_images=False))
    texts = ui_texts()
    ui = texts["ui"]
    page = phone.page
    _start_a_visit(phone, f"{live_server.url}/visit/", consent=False)

    # The photo skipped: suggestions, and nothing about an expression nobody photographed.
    page.get_by_role("button", name=ui["selfie_skip"]).click()
    expect(page.get_by_role("heading", name=ui["result_skipped_title"])).to_be_focused()
    expect(page.locator("#result-line")).to_have_text(ui["result_none"])
    expect(page.get_by_text(ui["expressed_note"])).to_be_hidden()
    expect(page.get_by_text(ui["scores_summary"])).to_be_hidden()
    expect(page.get_by_test_id("recommendations").locator("li.card").first).to_be_visible()
    page.get_by_test_id("plan-minutes").fill("45")
    page.get_by_test_id("plan").click()
    summary = page.locator("#route-summary")
    expect(summary).to_contain_text(f"From {RIVER_PORT}:")
    planned = summary.inner_text()
    stops = page.get_by_test_id("route").locator("li.stop").all_inner_texts()

    # A reload: the same step, the same exhibit, the same route.
    page.reload()
    expect(page.get_by_role("heading", name=ui["result_skipped_title"])).to_be_visible()
    expect(summary).to_have_text(planned)
    assert page.get_by_test_id("route").locator("li.stop").all_inner_texts() == stops
    expect(page.get_by_test_id("plan-minutes")).to_have_value("45")

    # Back walks the steps of the visit, Forward returns to the result.
    page.go_back()
    expect(page.locator("#selfie-exhibit")).to_have_text(ui["selfie_at"].format(title=RIVER_PORT))
    page.go_back()
    expect(page.get_by_role("heading", name=ui["exhibit_title"])).to_be_visible()
    expect(page.get_by_test_id("exhibit-select").get_by_label(re.compile(RIVER_PORT))).to_be_checked()
    page.go_back()
    expect(page.get_by_role("heading", name=ui["emotions_title"])).to_be_visible()
    expect(page.get_by_test_id("emotion-choice").get_by_label(texts["emotions"]["happy"])).to_be_checked()
    page.go_forward()
    page.go_forward()
    page.go_forward()
    expect(summary).to_have_text(planned)

    # Switching to Russian keeps the step; the route comes back in Russian, and the visitor remembers it.
    page.get_by_role("link", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    russian = ui_texts("ru")["ui"]
    expect(page.get_by_role("heading", name=russian["result_skipped_title"])).to_be_visible()
    expect(summary).to_contain_text(f"Маршрут от экспоната «{RIVER_PORT_RU}»")
    assert in_thread(lambda: Visitor.objects.get().language) == "ru"
    assert "lang=" not in page.url
    page.go_back()
    expect(page.locator("#selfie-exhibit")).to_have_text(russian["selfie_at"].format(title=RIVER_PORT_RU))

    # The choice belongs to the visitor: without the cookie an English browser still gets Russian back.
    page.context.clear_cookies()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#selfie-exhibit")).to_have_text(russian["selfie_at"].format(title=RIVER_PORT_RU))
    assert [problem for problem in phone.problems if "Failed to load resource" not in problem] == []


@pytest.fixture
def phone_locale(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "en-GB"))


@pytest.mark.parametrize("phone_locale", ["ru-RU"], indirect=True)
def test_the_qr_label_of_an_exhibit_off_display_opens_the_guides_own_page(
    live_server: LiveServer, phone: Phone, private_root: Path
) -> None:
    from playwright.sync_api import expect

    assert not settings.DEBUG  # Django's handler404 page, as in production
    in_thread(lambda: demo_venue_seed(with_images=False))
    in_thread(lambda: Exhibit.objects.filter(slug="foundation-stone").update(is_active=False))
    russian = ui_texts("ru")["ui"]
    page = phone.page

    response = page.goto(f"{live_server.url}/visit/e/foundation-stone")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(russian["error_not_on_display_title"])
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # type: ignore[index]
    page.screenshot(path=SCREENSHOTS / "visit-ru-not-on-display.png", animations="disabled")
    page.get_by_role("link", name=russian["error_explore"]).click()
    expect(page.get_by_role("heading", name=russian["consent_title"])).to_be_visible()


def test_failures_show_their_message_with_a_way_forward(
    live_server: LiveServer, phone: Phone, photos: dict[str, Path], private_root: Path
) -> None:
    from playwright.sync_api import Route, expect

    in_thread(lambda: demo_venue_seed(with_images=False))
    texts = ui_texts()
    ui, errors = texts["ui"], texts["errors"]
    page = phone.page

    # The privacy notice does not load: nobody can agree to a text they could not read; a retry brings it.
    notice = re.compile(r"/api/v1/privacy/")
    page.route(notice, lambda route: route.abort())
    page.goto(f"{live_server.url}/visit/")
    failed = page.get_by_test_id("privacy-failed")
    expect(failed).to_contain_text(ui["privacy_failed"])
    expect(page.get_by_test_id("consent")).to_be_disabled()
    page.unroute(notice)
    failed.get_by_role("button", name=ui["retry"]).click()
    expect(page.locator("#privacy-text")).to_contain_text("Emotion analysis is optional")
    expect(page.get_by_test_id("consent")).to_be_enabled()
    expect(failed).to_be_hidden()

    _start_a_visit(phone, f"{live_server.url}/visit/", consent=True)

    # A proxy in front of the server refuses the photo as too large (413, an HTML page, not our JSON).
    def too_large(route: Route) -> None:
        html = "<html><body><h1>413 Request Entity Too Large</h1></body></html>"
        route.fulfill(status=413, content_type="text/html", body=html)

    page.route(re.compile(r"/api/v1/captures/$"), too_large)
    page.get_by_test_id("selfie-input").set_input_files(photos["portrait"])
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("alert")).to_have_text(errors["image_too_large"])
    expect(page.get_by_test_id("submit")).to_be_enabled()  # another photo, or the same one again

    # The suggestions fail: the reason and a retry instead of "Loading…" forever.
    suggestions = re.compile(r"/api/v1/recommendations/")
    page.route(suggestions, lambda route: route.fulfill(status=502, content_type="text/html", body="Bad Gateway"))
    page.get_by_role("button", name=ui["selfie_skip"]).click()
    trouble = page.get_by_test_id("recommendations-failed")
    expect(trouble).to_contain_text(ui["recommendations_failed"])
    expect(page.get_by_text(ui["loading"])).to_be_hidden()
    page.unroute(suggestions)
    trouble.get_by_role("button", name=ui["retry"]).click()
    expect(page.get_by_test_id("recommendations").locator("li.card").first).to_be_visible()
    expect(trouble).to_be_hidden()
    expect(page.get_by_role("heading", name=ui["recommendations_title"])).to_be_focused()
    assert [problem for problem in phone.problems if "Failed to load resource" not in problem] == []
