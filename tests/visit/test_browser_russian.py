# ruff: noqa: RUF001 - Russian texts are Cyrillic on purpose, not look-alike Latin letters.
"""The whole visit on a Russian phone: every screen in Russian, nothing English left on the page.

A live server, a real Celery worker, Redis and PostgreSQL, like test_browser.py; the phone's locale is
ru-RU, so the browser asks for Russian and the app never has to be told.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from emotions.models import Visitor
from exhibits.demo import demo_venue_seed
from tests.celery_worker import Worker
from tests.visit.browser import BROWSER_MARKS, SCREENSHOTS, WORKER_TIMEOUT_MS, Phone, in_thread
from visit.texts import ui_texts

pytestmark = BROWSER_MARKS

# Latin words a Russian page may show: technical names.
LATIN_ALLOWED = {"JPEG", "PNG", "GPS", "API", "CSV"}


def english_on_screen(phone: Phone) -> list[str]:
    """English left on the visible page: fragments of the English texts, and any other Latin word."""
    visible = phone.page.locator("body").inner_text()
    # Text marked as another language is no slip: the switcher names English in English.
    for other in phone.page.locator('body [lang]:not([lang="ru"])').all_inner_texts():
        visible = visible.replace(other, "")
    english, russian = ui_texts("en"), ui_texts("ru")
    fragments: set[str] = set()
    for section in ("ui", "emotions", "wishes", "errors"):
        for key, text in english[section].items():
            if text == russian[section][key]:
                continue  # "{name}: {percent}%" reads the same in both
            for part in re.split(r"\{\w+\}", text):
                part = part.strip(" .,:;·()%“”")
                if len(part) >= 4:
                    fragments.add(part)
    left = sorted(fragment for fragment in fragments if fragment in visible)
    left += [word for word in re.findall(r"[A-Za-z]{3,}", visible) if word not in LATIN_ALLOWED]
    return left


@pytest.fixture
def phone_locale() -> str:
    return "ru-RU"


@pytest.mark.e2e
@pytest.mark.redis
@pytest.mark.postgres
def test_a_russian_visitor_goes_through_the_whole_visit_in_russian(
    live_server: LiveServer, worker: Worker, phone: Phone, photos: dict[str, Path], private_root: Path
) -> None:
    from playwright.sync_api import expect

    in_thread(lambda: demo_venue_seed(with_images=False))
    texts = ui_texts("ru")
    ui = texts["ui"]
    page = phone.page

    page.goto(f"{live_server.url}/visit/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#privacy-text")).to_contain_text("Анализ эмоций необязателен")
    assert english_on_screen(phone) == []
    page.get_by_test_id("consent").check()
    page.get_by_test_id("consent-continue").click()

    # Wishes: only what a museum sets out to evoke, in Russian.
    choices = page.get_by_test_id("emotion-choice")
    expect(choices.get_by_role("checkbox")).to_have_count(3, timeout=WORKER_TIMEOUT_MS)  # the model loads first
    choices.get_by_label(texts["emotions"]["surprise"]).check()
    choices.get_by_label(texts["emotions"]["neutral"]).check()
    assert english_on_screen(phone) == []
    page.get_by_test_id("emotions-continue").click()

    # The exhibit list in Russian; searching in Russian finds it.
    exhibits = page.get_by_test_id("exhibit-select")
    expect(exhibits.get_by_role("radio").first).to_be_visible()
    assert english_on_screen(phone) == []
    page.get_by_test_id("exhibit-search").fill("Макет старого")
    expect(exhibits.get_by_role("radio")).to_have_count(1)
    exhibits.get_by_label(re.compile("Макет старого речного порта")).check()
    page.get_by_test_id("exhibit-continue").click()
    expect(page.locator("#selfie-exhibit")).to_have_text(ui["selfie_at"].format(title="Макет старого речного порта"))
    assert english_on_screen(phone) == []

    # The reading: one Russian sentence, every score one tap away, named in Russian.
    page.get_by_test_id("selfie-input").set_input_files(photos["portrait"])
    page.get_by_test_id("submit").click()
    result = page.get_by_test_id("emotion-result")
    expect(result).to_be_visible(timeout=WORKER_TIMEOUT_MS)
    expect(result.locator("#result-line")).to_have_text(
        re.compile(r"^(Похоже, камера|Камера) увидела [а-яё«»]+ выражение лица \(\d{1,3}%\)[,.]")
    )
    result.get_by_text(ui["scores_summary"]).click()
    expect(result.locator("#result-scores li")).to_have_count(7)
    assert {text.split(":")[0] for text in result.locator("#result-scores li").all_inner_texts()} == set(
        texts["emotions"].values()
    )

    # Suggestions with Russian titles and reasons, and a route that fits 45 minutes.
    cards = page.get_by_test_id("recommendations").locator("li.card")
    expect(cards.first).to_be_visible()
    page.get_by_test_id("plan-minutes").fill("45")
    page.get_by_test_id("plan").click()
    expect(page.locator("#route-summary")).to_contain_text("Маршрут от экспоната «Макет старого речного порта»")
    expect(page.get_by_test_id("route").locator("li.stop").first).to_be_visible()
    assert english_on_screen(phone) == []
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / "visit-ru-result.png", animations="disabled")  # what the phone shows

    # The journey and "my data" in Russian too.
    page.get_by_role("button", name=ui["nav_journey"]).click()
    journey = page.get_by_test_id("journey").locator("li")
    expect(journey).to_have_count(1)
    expect(journey.first).to_contain_text("Макет старого речного порта")
    expect(journey.first).to_contain_text("выражение лица")
    assert english_on_screen(phone) == []
    page.get_by_role("button", name=ui["nav_data"]).click()
    expect(page.get_by_text(ui["data_consent_on"])).to_be_visible()
    assert english_on_screen(phone) == []

    assert in_thread(lambda: Visitor.objects.get().language) == "ru"
    page.screenshot(path=SCREENSHOTS / "visit-ru-data.png", animations="disabled")
    assert phone.problems == []
