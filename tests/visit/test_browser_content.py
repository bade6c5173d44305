"""Content first, in headless Chromium on a phone: the whole exhibit list, cards that open exhibit pages,
the exhibit page (image, texts, "you are here", the visitor's own reading) and a route on the floor plans
with "next stop" and stops ticked off, in English and in Russian.

No Celery worker: the selfie is skipped; the one reading the exhibit page shows is stored as the worker
would store it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_django.fixtures import SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from emotions.models import CaptureStatus, Visitor
from exhibits.demo import demo_venue_seed
from exhibits.models import Exhibit, Hall
from tests.emotions.factories import EmotionEventFactory
from tests.visit.browser import BROWSER_MARKS, SCREENSHOTS, WORKER_TIMEOUT_MS, Phone, in_thread
from tests.visit.test_browser_russian import english_on_screen
from visit.texts import ui_texts

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = BROWSER_MARKS

START = "old-river-port-model"


@pytest.fixture
def phone_locale(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "en-GB"))


@pytest.fixture
def demo(settings: SettingsWrapper, tmp_path: Path, private_root: Path) -> None:
    """The demo venue with its generated images, served from a temporary media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    in_thread(lambda: demo_venue_seed(with_images=True))


def _to_the_exhibit_list(page: Page, url: str, language: str) -> None:
    from playwright.sync_api import expect

    texts = ui_texts(language)
    page.goto(url)
    page.get_by_test_id("consent-continue").click()  # no emotion analysis: none is needed here
    happy = page.get_by_test_id("emotion-choice").get_by_label(texts["emotions"]["happy"])
    expect(happy).to_be_visible(timeout=WORKER_TIMEOUT_MS)  # the first request for labels loads the model
    happy.check()
    page.get_by_test_id("emotions-continue").click()
    expect(page.get_by_role("heading", name=texts["ui"]["exhibit_title"])).to_be_visible()


def _titles(language: str) -> dict[str, tuple[str, str, int]]:
    """slug -> (title, hall name, floor) of every exhibit on display, in `language`."""
    return {
        exhibit.slug: (
            exhibit.text("title", language),
            exhibit.hall.text("name", language),
            exhibit.hall.floor,
        )
        for exhibit in Exhibit.objects.on_display().select_related("hall__venue")
    }


def _check_the_whole_list(page: Page, language: str) -> None:
    """Every exhibit on display is in the list once, grouped by hall in floor order, by title within a hall."""
    from playwright.sync_api import expect

    ui = ui_texts(language)["ui"]
    expected = in_thread(lambda: _titles(language))
    options = page.get_by_test_id("exhibit-select").get_by_role("radio")
    expect(options).to_have_count(len(expected))
    assert len(expected) == 47
    expect(page.locator("#exhibit-count")).to_have_text(ui["exhibit_count"].format(count=47))
    halls = in_thread(lambda: list(Hall.objects.order_by("floor", "id").values_list("floor", flat=True)))
    groups = page.locator(".option-group")
    expect(groups).to_have_count(len(halls))
    headings = groups.locator(".group-title").all_inner_texts()
    floors = [int(re.search(r"\d+", heading).group(0)) for heading in headings]  # type: ignore[union-attr]
    assert floors == sorted(floors) and floors.count(0) == halls.count(0), headings
    seen: list[str] = []
    for index in range(groups.count()):
        group = groups.nth(index)
        titles = group.locator(".option .card-title").all_inner_texts()
        assert titles == sorted(titles, key=str.casefold), (headings[index], titles)
        seen += titles
        # Every card says where it is: the hall and floor of the group it is in.
        assert set(group.locator(".option .card-hall").all_inner_texts()) == {headings[index]}
    assert sorted(seen) == sorted(title for title, _, _ in expected.values())
    # Content first: a thumbnail with its text alternative and one line about the exhibit on every card.
    alts = page.locator("#exhibit-options img.thumb").evaluate_all("images => images.map(image => image.alt)")
    assert len(alts) == 47 and all(alts), alts
    assert page.locator("#exhibit-options .card-summary").count() == 47
    first = page.locator("#exhibit-options img.thumb").first
    expect(first).to_be_visible()
    page.wait_for_function("document.querySelector('#exhibit-options img.thumb').naturalWidth > 0")


def _check_the_route(page: Page, language: str, phone: Phone, shot: str | None) -> None:
    """Plan a route across both floors, then follow it: the plans, next stop, ticking off, a reload."""
    from playwright.sync_api import expect

    ui = ui_texts(language)["ui"]
    page.get_by_test_id("plan-minutes").fill("180")
    page.get_by_test_id("plan").click()
    stops = page.get_by_test_id("route").locator("li.stop")
    expect(stops.first).to_be_visible()
    count = stops.count()
    assert count >= 3
    # Floor changes are said where they happen, and both floors are drawn with their numbered stops.
    changes = page.locator("#route-stops .floor-change").all_inner_texts()
    assert changes, "a three-hour route from the ground floor should go upstairs"
    assert changes[0] == ui["route_floor_up"].format(floor=1)
    plans = page.get_by_test_id("route-plans").locator("figure.floor-plan")
    expect(plans).to_have_count(2)
    assert plans.locator(".plan-stop").count() == count
    assert sorted(int(n) for n in plans.locator(".plan-stop").evaluate_all("g => g.map(s => s.dataset.stop)")) == list(
        range(1, count + 1)
    )
    assert plans.locator("polyline.plan-route").count() >= 1
    expect(plans.first.locator("[data-here]")).to_have_count(1)  # the route starts on the ground floor
    expect(plans.locator("[data-kind=stairs]")).to_have_count(2)
    expect(plans.locator("[data-kind=lift]")).to_have_count(2)
    for index in range(2):
        svg = plans.nth(index).locator("svg")
        expect(svg).to_have_attribute("role", "img")
        caption = page.locator(f"#{svg.get_attribute('aria-labelledby')}")
        expect(caption).to_contain_text(ui["plan_lift"].format(floor=1 - index))
    # Next stop: the first one; ticking it off moves on, on the list and on the plan.
    titles = [text.split(": ", 1)[1].split("\n")[0] for text in stops.all_inner_texts()]
    next_stop = page.get_by_test_id("route-next")
    expect(next_stop).to_contain_text(titles[0])
    expect(plans.locator(".plan-stop.next")).to_have_attribute("data-stop", "1")
    stops.nth(0).get_by_role("checkbox").check()
    expect(next_stop).to_contain_text(titles[1])
    expect(plans.locator(".plan-stop.next")).to_have_attribute("data-stop", "2")
    expect(plans.locator(".plan-stop.visited")).to_have_attribute("data-stop", "1")
    stops.nth(1).get_by_role("checkbox").check()
    expect(next_stop).to_contain_text(titles[2])
    # "You are here" moves to the last stop ticked off.
    expect(plans.locator("[data-here]")).to_have_count(1)
    here = plans.locator("[data-here]")
    second = plans.locator('.plan-stop[data-stop="2"] circle')
    assert [here.get_attribute(name) for name in ("cx", "cy")] == [second.get_attribute(name) for name in ("cx", "cy")]
    if shot:  # what the phone shows: the next stop and the plans
        page.evaluate("document.getElementById('route-summary').scrollIntoView()")
        page.screenshot(path=SCREENSHOTS / f"visit-{shot}.png", animations="disabled")
    # A reload keeps the ticks of this route.
    page.reload()
    expect(next_stop).to_contain_text(titles[2])
    expect(stops.nth(0).get_by_role("checkbox")).to_be_checked()
    for index in range(count):
        stops.nth(index).get_by_role("checkbox").check()
    expect(next_stop).to_have_text(ui["route_done"])
    expect(plans.locator(".plan-stop.next")).to_have_count(0)


def test_the_whole_list_cards_that_open_exhibit_pages_and_a_route_on_the_floor_plan(
    live_server: LiveServer, phone: Phone, demo: None
) -> None:
    from playwright.sync_api import expect

    page = phone.page
    ui = ui_texts()["ui"]
    _to_the_exhibit_list(page, f"{live_server.url}/visit/", "en")
    _check_the_whole_list(page, "en")
    page.screenshot(path=SCREENSHOTS / "visit-exhibit-list.png", animations="disabled")  # the list's first screen
    page.get_by_test_id("exhibit-select").get_by_label(re.compile("Model of the Old River Port")).check()
    page.get_by_test_id("exhibit-continue").click()
    page.get_by_role("button", name=ui["selfie_skip"]).click()

    # Suggestions are cards with a thumbnail, one line, hall and floor; each opens its exhibit's page.
    cards = page.get_by_test_id("recommendations").locator("li.card")
    expect(cards.first.locator("img.thumb")).to_be_visible()
    assert cards.count() >= 1
    for index in range(cards.count()):
        card = cards.nth(index)
        assert card.locator(".card-summary").inner_text().strip()
        expect(card.locator(".card-hall")).to_contain_text(re.compile(r", floor \d"))
        assert card.locator("img.thumb").get_attribute("alt")
    _check_the_route(page, "en", phone, "route-plan")

    # A route stop's card opens its exhibit page; Back returns to the route as it was.
    first_stop = page.get_by_test_id("route").locator("li.stop a.card-link").first
    href = first_stop.get_attribute("href")
    assert href and re.fullmatch(r"/visit/e/[\w-]+", href), href
    first_stop.click()
    expect(page).to_have_url(f"{live_server.url}{href}")
    page.go_back()
    expect(page.get_by_test_id("route-next")).to_have_text(ui["route_done"])

    # A suggestion's card opens its exhibit page: image, texts, and "you are here" on its floor.
    link = cards.first.locator("a.card-link")
    slug = link.get_attribute("href").rsplit("/", 1)[1]  # type: ignore[union-attr]
    exhibit = in_thread(lambda: Exhibit.objects.select_related("hall").get(slug=slug))
    link.click()
    expect(page).to_have_url(f"{live_server.url}/visit/e/{slug}")
    _check_the_exhibit_page(page, slug, "en")
    expect(page.get_by_test_id("exhibit-reading")).to_be_hidden()  # no selfie taken there

    # The visitor's own reading there, once there is one (stored as the worker stores it).
    visitor = in_thread(Visitor.objects.get)
    in_thread(
        lambda: EmotionEventFactory.create(
            capture__visitor=visitor,
            capture__exhibit=exhibit,
            capture__status=CaptureStatus.DONE,
            label="happy",
            confidence=0.81,
            scores={"happy": 0.81, "neutral": 0.19},
        )
    )
    page.reload()
    reading = page.get_by_test_id("exhibit-reading")
    expect(reading).to_contain_text(ui["exhibit_your_reading"].format(reading="a happy expression (81%)"))
    page.locator(".exhibit-card .description summary").click()  # the compact header keeps it one tap away
    expect(reading).to_be_visible()
    expect(page.get_by_test_id("exhibit-plan").locator("svg [data-here]")).to_be_visible()
    phone.shot("exhibit-page")

    # The journey's card shows the exhibit and opens its page too.
    page.get_by_role("button", name=ui["nav_journey"]).click()
    journey = page.get_by_test_id("journey").locator("li.card")
    expect(journey).to_have_count(1)
    expect(journey.locator("img.thumb")).to_be_visible()
    expect(journey.locator(".card-hall")).to_contain_text(f"floor {exhibit.hall.floor}")
    phone.shot("journey-cards")
    journey.locator("a.card-link").click()
    expect(page).to_have_url(f"{live_server.url}/visit/e/{slug}")

    # "Delete my data" forgets the ticked stops too.
    assert page.evaluate("Object.keys(sessionStorage)") == ["museum_guide.route_seen"]
    page.get_by_role("button", name=ui["nav_data"]).click()
    page.get_by_test_id("delete-data").click()
    page.get_by_test_id("delete-confirm").click()
    expect(page.get_by_role("heading", name=ui["deleted_title"])).to_be_visible()
    assert page.evaluate("Object.keys(sessionStorage)") == []
    assert [problem for problem in phone.problems if "Failed to load resource" not in problem] == []


def _exhibit_texts(slug: str, language: str) -> dict[str, str | int]:
    exhibit = Exhibit.objects.select_related("hall__venue").get(slug=slug)
    fields = ("title", "creator", "period", "description", "image_alt")
    return {field: exhibit.text(field, language) for field in fields} | {"floor": exhibit.hall.floor}


def _check_the_exhibit_page(page: Page, slug: str, language: str) -> None:
    from playwright.sync_api import expect

    ui = ui_texts(language)["ui"]
    exhibit = in_thread(lambda: _exhibit_texts(slug, language))
    title = str(exhibit["title"])
    expect(page.locator("#exhibit-title")).to_have_text(title)
    image = page.locator(".exhibit-card img.exhibit-image")
    expect(image).to_have_attribute("alt", str(exhibit["image_alt"]))
    page.wait_for_function("document.querySelector('.exhibit-card img.exhibit-image').naturalWidth > 0")
    byline = page.locator(".exhibit-card .byline")
    for part in (exhibit["creator"], exhibit["period"]):
        expect(byline).to_contain_text(str(part))
    page.locator(".exhibit-card .description summary").click()
    expect(page.locator(".description-text")).to_have_text(str(exhibit["description"]))
    plan = page.get_by_test_id("exhibit-plan")
    expect(plan.locator("svg [data-here]")).to_have_count(1)
    expect(plan.locator("svg rect.plan-hall.own-hall")).to_have_count(1)  # the hall it stands in, tinted
    caption = ui["plan_here_caption"].format(floor=exhibit["floor"], title=title)
    expect(plan.locator("figcaption")).to_contain_text(caption)
    assert plan.locator("svg .plan-exhibit").count() >= 20  # the other exhibits of its floor


@pytest.mark.parametrize("phone_locale", ["ru-RU"], indirect=True)
def test_the_list_the_exhibit_page_and_the_route_plan_in_russian(
    live_server: LiveServer, phone: Phone, demo: None
) -> None:
    from playwright.sync_api import expect

    page = phone.page
    ui = ui_texts("ru")["ui"]
    _to_the_exhibit_list(page, f"{live_server.url}/visit/", "ru")
    _check_the_whole_list(page, "ru")
    assert english_on_screen(phone) == []
    page.get_by_test_id("exhibit-select").get_by_label(re.compile("Макет старого речного порта")).check()
    page.get_by_test_id("exhibit-continue").click()
    page.get_by_role("button", name=ui["selfie_skip"]).click()
    expect(page.get_by_test_id("recommendations").locator("li.card .card-hall").first).to_contain_text("этаж")
    _check_the_route(page, "ru", phone, "route-plan-ru")
    assert english_on_screen(phone) == []

    page.goto(f"{live_server.url}/visit/e/{START}")
    _check_the_exhibit_page(page, START, "ru")
    assert english_on_screen(phone) == []
    assert [problem for problem in phone.problems if "Failed to load resource" not in problem] == []
