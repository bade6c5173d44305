"""POST /api/v1/routes/: budget-respecting, non-repeating, step-free-when-asked routes."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from emotions.models import Visitor
from exhibits.walking import walking_matrix
from tests.recommendations.conftest import SmallVenue
from tests.recommendations.factories import CaptureFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/routes/"


def plan(client: APIClient, **body: Any) -> dict[str, Any]:
    response = client.post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    result: dict[str, Any] = response.json()
    return result


def stop_ids(route: dict[str, Any]) -> list[int]:
    return [stop["exhibit"]["id"] for stop in route["stops"]]


def assert_consistent(route: dict[str, Any], venue: SmallVenue, *, step_free: bool) -> None:
    """Arrival minutes follow from the (step-free) walking matrix and dwell; nothing repeats; budget holds."""
    matrix = walking_matrix(venue.venue.pk, step_free=step_free)
    clock, here = 0.0, route["start_exhibit"]["id"]
    for stop in route["stops"]:
        clock += matrix.between(here, stop["exhibit"]["id"])
        assert stop["arrival_minute"] == pytest.approx(clock, abs=0.06)
        clock += stop["dwell_minutes"]
        here = stop["exhibit"]["id"]
    assert len(set(stop_ids(route))) == len(route["stops"])
    assert route["start_exhibit"]["id"] not in stop_ids(route)
    assert route["total_minutes"] <= route["time_budget_minutes"]


@pytest.mark.parametrize("budget", [1, 5, 9, 15, 30, 60, 240])
def test_a_route_never_exceeds_its_budget_or_repeats_an_exhibit(
    small_venue: SmallVenue, visitor_client: APIClient, budget: int
) -> None:
    route = plan(visitor_client, start_exhibit=small_venue.start.pk, time_budget_minutes=budget, emotions=["happy"])
    assert_consistent(route, small_venue, step_free=False)


def test_a_generous_budget_visits_every_exhibit_once(small_venue: SmallVenue, visitor_client: APIClient) -> None:
    route = plan(visitor_client, start_exhibit=small_venue.start.pk, time_budget_minutes=240, emotions=["surprise"])
    assert sorted(stop_ids(route)) == sorted(
        e.pk
        for e in (small_venue.smiles, small_venue.gasps, small_venue.calm, small_venue.far_smiles, small_venue.upstairs)
    )


def test_the_wish_decides_what_a_short_route_visits(small_venue: SmallVenue, visitor_client: APIClient) -> None:
    happy = plan(visitor_client, start_exhibit=small_venue.start.pk, time_budget_minutes=6, emotions=["happy"])
    surprise = plan(visitor_client, start_exhibit=small_venue.start.pk, time_budget_minutes=6, emotions=["surprise"])
    assert stop_ids(happy) == [small_venue.smiles.pk]
    assert stop_ids(surprise)[0] == small_venue.gasps.pk
    assert happy["stops"][0]["arrival_minute"] == pytest.approx(1.0)
    assert happy["stops"][0]["dwell_minutes"] == 5


def test_a_step_free_route_takes_the_lift_and_never_the_stairs(
    small_venue: SmallVenue, visitor_client: APIClient
) -> None:
    # Upstairs (now the only surprising exhibit) is 4.5 minutes away by the stairs but 14 by the lift.
    small_venue.gasps.is_active = False
    small_venue.gasps.save()
    body = {"start_exhibit": small_venue.start.pk, "time_budget_minutes": 10, "emotions": ["surprise"]}
    with_stairs = plan(visitor_client, **body)
    step_free = plan(visitor_client, **body, step_free=True)
    assert small_venue.upstairs.pk in stop_ids(with_stairs)
    assert small_venue.upstairs.pk not in stop_ids(step_free)
    assert_consistent(step_free, small_venue, step_free=True)
    by_lift = plan(visitor_client, **{**body, "time_budget_minutes": 60}, step_free=True)
    assert small_venue.upstairs.pk in stop_ids(by_lift)
    assert_consistent(by_lift, small_venue, step_free=True)


def test_a_route_to_an_end_exhibit_finishes_there(small_venue: SmallVenue, visitor_client: APIClient) -> None:
    route = plan(
        visitor_client,
        start_exhibit=small_venue.start.pk,
        end_exhibit=small_venue.far_smiles.slug,
        time_budget_minutes=12,
        emotions=["surprise"],
    )
    assert stop_ids(route)[-1] == small_venue.far_smiles.pk
    assert_consistent(route, small_venue, step_free=False)


@pytest.mark.parametrize("field", ["start_exhibit", "end_exhibit"])
def test_an_exhibit_off_display_cannot_start_or_end_a_route(
    small_venue: SmallVenue, visitor_client: APIClient, field: str
) -> None:
    small_venue.far_smiles.is_active = False
    small_venue.far_smiles.save()
    body: dict[str, Any] = {"start_exhibit": small_venue.start.pk, "time_budget_minutes": 12}
    body[field] = small_venue.far_smiles.slug

    response = visitor_client.post(URL, body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "exhibit_inactive" and response.json()["detail"].startswith(field)


def test_a_full_width_digit_is_not_read_as_an_exhibit_id(small_venue: SmallVenue, visitor_client: APIClient) -> None:
    response = visitor_client.post(URL, {"start_exhibit": "\uff11", "time_budget_minutes": 12}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "unknown_exhibit"


def test_visited_exhibits_are_not_planned_again(
    small_venue: SmallVenue, visitor: Visitor, visitor_client: APIClient
) -> None:
    CaptureFactory.create(visitor=visitor, exhibit=small_venue.smiles)
    route = plan(visitor_client, start_exhibit=small_venue.start.pk, time_budget_minutes=240, emotions=["happy"])
    assert small_venue.smiles.pk not in stop_ids(route)
    assert small_venue.far_smiles.pk in stop_ids(route)


def test_the_response_has_stops_with_arrival_dwell_and_expected_emotions(
    small_venue: SmallVenue, visitor_client: APIClient
) -> None:
    route = plan(visitor_client, start_exhibit=small_venue.start.pk, time_budget_minutes=30, emotions="happy,surprise")
    assert {"stops", "total_minutes", "walking_minutes", "score", "start_exhibit"} <= set(route)
    stop = route["stops"][0]
    assert {"exhibit", "arrival_minute", "dwell_minutes", "expected_emotions", "reason"} <= set(stop)
    assert route["score"] > 0
    assert route["total_minutes"] == pytest.approx(
        route["stops"][-1]["arrival_minute"] + route["stops"][-1]["dwell_minutes"], abs=0.1
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"start_exhibit": "nowhere", "time_budget_minutes": 30}, "unknown_exhibit"),
        ({"start_exhibit": "START", "end_exhibit": "nowhere", "time_budget_minutes": 30}, "unknown_exhibit"),
        ({"start_exhibit": "START", "time_budget_minutes": 30, "emotions": ["joy"]}, "unknown_emotion"),
        ({"start_exhibit": "START", "time_budget_minutes": -5}, "min_value"),
        ({"start_exhibit": "START", "time_budget_minutes": 0}, "min_value"),
        ({"start_exhibit": "START", "time_budget_minutes": 100000}, "max_value"),
        ({"start_exhibit": "", "time_budget_minutes": 60}, "invalid_input"),
        ({"start_exhibit": "START", "time_budget_minutes": 60, "step_free": 1}, "invalid_input"),
        ({"start_exhibit": "START", "time_budget_minutes": "soon"}, "invalid_input"),
        ({"start_exhibit": "START", "time_budget_minutes": True}, "invalid_input"),
        ({"time_budget_minutes": 30}, "invalid_input"),
        ({"start_exhibit": "START", "end_exhibit": "FAR", "time_budget_minutes": 1}, "budget_too_small"),
    ],
)
def test_invalid_requests_get_a_clear_400(
    small_venue: SmallVenue, visitor_client: APIClient, body: dict[str, Any], code: str
) -> None:
    names = {"START": small_venue.start.slug, "FAR": small_venue.upstairs.slug}
    body = {key: names.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    response = visitor_client.post(URL, {"emotions": ["happy"], **body}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_a_step_free_route_cannot_start_in_a_hall_with_steps(
    small_venue: SmallVenue, visitor_client: APIClient
) -> None:
    small_venue.hall_c.is_step_free = False
    small_venue.hall_c.save()
    response = visitor_client.post(
        URL,
        {"start_exhibit": small_venue.upstairs.pk, "time_budget_minutes": 30, "emotions": ["happy"], "step_free": True},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_step_free"


def test_routes_need_a_visitor_token(small_venue: SmallVenue) -> None:
    response = APIClient().post(URL, {"start_exhibit": small_venue.start.pk, "time_budget_minutes": 30}, format="json")
    assert response.status_code == 401
