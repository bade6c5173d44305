"""GET /api/v1/venues/{id}/floor-plan/: the plans the visitor app draws, from the admin sketch's geometry."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from exhibits.demo import demo_venue_seed
from exhibits.floor_plan import HALL_PADDING_M
from exhibits.models import Exhibit, Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans() -> dict[str, Any]:
    demo_venue_seed(with_images=False)
    venue = Venue.objects.get()
    response = APIClient().get(f"/api/v1/venues/{venue.pk}/floor-plan/?lang=en")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_every_exhibit_on_display_is_on_its_floors_plan_once(plans: dict[str, Any]) -> None:
    on_plan = {exhibit["slug"]: plan["floor"] for plan in plans["floors"] for exhibit in plan["exhibits"]}
    expected = dict(Exhibit.objects.on_display().values_list("slug", "hall__floor"))
    assert on_plan == expected
    assert sum(len(plan["exhibits"]) for plan in plans["floors"]) == len(expected) == 47
    assert [plan["floor"] for plan in plans["floors"]] == [0, 1]


def test_a_hall_is_the_padded_box_around_its_exhibits(plans: dict[str, Any]) -> None:
    for plan in plans["floors"]:
        assert plan["width_m"] > 0 and plan["height_m"] > 0
        for hall in plan["halls"]:
            members = [exhibit for exhibit in plan["exhibits"] if exhibit["hall"] == hall["id"]]
            box = hall["box"]
            assert box["x"] == pytest.approx(max(0, min(e["x"] for e in members) - HALL_PADDING_M))
            assert box["y"] + box["height"] == pytest.approx(max(e["y"] for e in members) + HALL_PADDING_M)
            assert box["x"] + box["width"] <= plan["width_m"] and box["y"] + box["height"] <= plan["height_m"]


def test_stairs_and_the_lift_lead_to_the_other_floor(plans: dict[str, Any]) -> None:
    ground, first = plans["floors"]
    between = {(door["kind"], door["to_floor"]) for door in ground["doors"] if door["to_floor"] != 0}
    assert between == {("stairs", 1), ("lift", 1)}
    assert {(door["kind"], door["to_floor"]) for door in first["doors"] if door["to_floor"] != 1} == {
        ("stairs", 0),
        ("lift", 0),
    }
    lift = next(door for door in first["doors"] if door["kind"] == "lift")
    assert lift["is_step_free"] and (lift["x"], lift["y"]) == (57, 28)
    assert all(door["kind"] == "door" for door in ground["doors"] if door["to_floor"] == 0)


def test_the_plan_speaks_the_readers_language_and_leaves_out_exhibits_off_display() -> None:
    demo_venue_seed(with_images=False)
    venue = Venue.objects.get()
    Exhibit.objects.filter(slug="old-river-port-model").update(is_active=False)
    body = APIClient().get(f"/api/v1/venues/{venue.pk}/floor-plan/", HTTP_ACCEPT_LANGUAGE="ru").json()
    titles = {exhibit["title"] for plan in body["floors"] for exhibit in plan["exhibits"]}
    halls = {hall["name"] for plan in body["floors"] for hall in plan["halls"]}
    assert "Макет старого речного порта" not in titles and len(titles) == 46
    assert {"Вестибюль", "Морской зал"} <= halls


def test_an_unknown_venue_or_language_gets_the_error_shape() -> None:
    missing = APIClient().get("/api/v1/venues/999999/floor-plan/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    demo_venue_seed(with_images=False)
    venue = Venue.objects.get()
    bad = APIClient().get(f"/api/v1/venues/{venue.pk}/floor-plan/?lang=xx")
    assert bad.status_code == 400 and bad.json()["code"] == "unsupported_language"
