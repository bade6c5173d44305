"""GET /api/v1/reports/emotions/: numbers, local time, suppression, filters and validation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pytest_django.fixtures import SettingsWrapper
from rest_framework.test import APIClient

from museum_guide.disclosure import NOISE_RANGE
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory, HallFactory, VenueFactory
from tests.reports.conftest import LABELS, Scene, event_at
from tests.reports.expected import assert_report_matches, expected_groups

pytestmark = pytest.mark.django_db

GROUP_BYS = ["exhibit", "hall", "venue", "day", "hour", "weekday"]


@pytest.mark.parametrize("group_by", GROUP_BYS)
def test_numbers_equal_counts_computed_straight_from_the_events(
    scene: Scene, get_report: Callable[..., dict], group_by: str
) -> None:
    body = get_report(group_by=group_by)

    assert body["group_by"] == group_by
    assert body["labels"] == list(LABELS)
    assert_report_matches(body, expected_groups(group_by, LABELS, 5))


def test_a_tokyo_event_at_23_30_utc_counts_on_the_next_local_day(
    get_report: Callable[..., dict], settings: SettingsWrapper
) -> None:
    settings.REPORT_MIN_GROUP_SIZE = 1
    exhibit = ExhibitFactory.create(hall=HallFactory.create(venue=VenueFactory.create(time_zone="Asia/Tokyo")))
    # Monday 2025-03-03 23:30 UTC is Tuesday 2025-03-04 08:30 in Tokyo (UTC+9).
    event_at(datetime(2025, 3, 3, 23, 30, tzinfo=UTC), exhibit=exhibit, visitor=VisitorFactory.create())

    assert [group["key"] for group in get_report(group_by="day")["groups"]] == ["2025-03-04"]
    assert [group["key"] for group in get_report(group_by="hour")["groups"]] == [8]
    weekday = get_report(group_by="weekday")["groups"]
    assert [(group["key"], group["name"]) for group in weekday] == [(2, "Tuesday")]
    only = get_report(group_by="day", date_from="2025-03-04", date_to="2025-03-04")["groups"]
    assert [(group["key"], group["suppressed"]) for group in only] == [("2025-03-04", False)]
    assert get_report(group_by="day", date_to="2025-03-03")["groups"] == []


def test_the_same_utc_moment_is_a_different_local_hour_in_each_venue(
    get_report: Callable[..., dict], settings: SettingsWrapper
) -> None:
    settings.REPORT_MIN_GROUP_SIZE = 1
    moment = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
    for zone in ("Asia/Tokyo", "Europe/Moscow", "America/New_York"):
        exhibit = ExhibitFactory.create(hall=HallFactory.create(venue=VenueFactory.create(time_zone=zone)))
        event_at(moment, exhibit=exhibit, visitor=VisitorFactory.create())

    assert [group["key"] for group in get_report(group_by="hour")["groups"]] == [7, 15, 21]


def test_groups_with_fewer_visitors_than_the_minimum_are_suppressed_without_any_numbers(
    scene: Scene, get_report: Callable[..., dict]
) -> None:
    samovar = scene.exhibits[4]  # three events, all by one visitor
    groups = {group["key"]: group for group in get_report(group_by="exhibit")["groups"]}

    assert groups[samovar.pk] == {
        "key": samovar.pk,
        "name": "Samovar",
        "suppressed": True,
        "events": None,
        "visitors": None,
        "mean_confidence": None,
        "emotions": None,
    }
    assert all(not group["suppressed"] for key, group in groups.items() if key != samovar.pk)


def test_the_minimum_group_size_comes_from_settings(
    scene: Scene, get_report: Callable[..., dict], settings: SettingsWrapper
) -> None:
    settings.REPORT_MIN_GROUP_SIZE = 1
    body = get_report(group_by="exhibit")

    assert body["min_group_size"] == 1
    assert_report_matches(body, expected_groups("exhibit", LABELS, 1))
    assert not any(group["suppressed"] for group in body["groups"])


def _filter_cases(scene: Scene) -> list[dict[str, object]]:
    wave, fuji, tea, icon, _ = scene.exhibits
    return [
        {"venue": scene.tokyo.pk},
        {"venue": scene.moscow.pk, "emotion": "happy"},
        {"hall": wave.hall_id, "date_from": "2025-03-02"},
        {"exhibit": fuji.pk, "date_from": "2025-03-02", "date_to": "2025-03-04"},
        {"venue": scene.tokyo.pk, "emotion": "angry", "date_to": "2025-03-03"},
        {"venue": scene.moscow.pk, "hall": tea.hall_id},  # contradictory: nothing matches
        {"exhibit": icon.pk, "emotion": "neutral"},
    ]


@pytest.mark.parametrize("case", range(7))
@pytest.mark.parametrize("group_by", ["exhibit", "day", "hour"])
def test_filters_combine_as_and(scene: Scene, get_report: Callable[..., dict], case: int, group_by: str) -> None:
    filters = _filter_cases(scene)[case]
    body = get_report(group_by=group_by, **filters)

    assert_report_matches(body, expected_groups(group_by, LABELS, 5, **filters))


def test_an_emotion_filter_keeps_only_that_emotion(scene: Scene, get_report: Callable[..., dict]) -> None:
    body = get_report(group_by="venue", emotion="fear")

    for group in body["groups"]:
        if not group["suppressed"]:
            assert group["emotions"]["fear"]["share"] == 1.0
            assert group["events"] == group["emotions"]["fear"]["count"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"group_by": "month"}, "invalid_choice"),
        ({"date_from": "yesterday"}, "invalid_input"),
        ({"date_from": "2025-03-05", "date_to": "2025-03-01"}, "invalid_date_range"),
        ({"venue": "999999"}, "does_not_exist"),
        ({"hall": "abc"}, "incorrect_type"),
        ({"exhibit": "999999"}, "does_not_exist"),
        ({"emotion": "bored"}, "unknown_emotion"),
    ],
)
def test_bad_parameters_are_refused_with_a_code(analyst_client: APIClient, params: dict[str, str], code: str) -> None:
    response = analyst_client.get("/api/v1/reports/emotions/", params)

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_labels_are_the_active_models_not_a_fixed_list(
    get_report: Callable[..., dict], monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    settings.REPORT_MIN_GROUP_SIZE = 1
    monkeypatch.setattr("emotions.classifier.active_labels", lambda: ("calm", "awe"))
    exhibit = ExhibitFactory.create()
    event_at(datetime(2025, 3, 3, 10, tzinfo=UTC), exhibit=exhibit, visitor=VisitorFactory.create(), label="awe")

    body = get_report(group_by="exhibit")

    assert body["labels"] == ["calm", "awe"]
    emotions = body["groups"][0]["emotions"]
    assert list(emotions) == ["calm", "awe"]
    assert emotions["calm"] == {"count": 0, "share": 0.0}
    assert emotions["awe"]["count"] <= 1 + NOISE_RANGE


def test_the_report_says_it_counts_expressed_not_felt_emotions(get_report: Callable[..., dict]) -> None:
    assert "expressed" in get_report()["note"]
    assert "not what visitors felt" in get_report()["note"]


def test_the_schema_documents_expressed_emotions(client: APIClient) -> None:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/reports/emotions/"]["get"]

    assert "expressed" in operation["description"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {
        "group_by",
        "date_from",
        "date_to",
        "venue",
        "hall",
        "exhibit",
        "emotion",
        "format",
    }


def test_the_source_filter_separates_phone_readings_from_server_readings(get_report: Callable[..., dict]) -> None:
    exhibit = ExhibitFactory.create()
    moment = datetime(2025, 4, 1, 10, tzinfo=UTC)
    for index in range(12):
        source = "device" if index < 6 else "server"
        event_at(moment, exhibit=exhibit, visitor=VisitorFactory.create(), label="happy", source=source)

    whole = get_report(group_by="exhibit")["groups"][0]
    device = get_report(group_by="exhibit", source="device")["groups"][0]
    server = get_report(group_by="exhibit", source="server")["groups"][0]

    assert abs(whole["events"] - 12) <= NOISE_RANGE
    assert abs(device["events"] - 6) <= NOISE_RANGE and abs(server["events"] - 6) <= NOISE_RANGE


def test_an_unknown_source_is_a_400(analyst_client: APIClient) -> None:
    response = analyst_client.get("/api/v1/reports/emotions/", {"source": "satellite"})

    assert (response.status_code, response.json()["code"]) == (400, "invalid_choice")
