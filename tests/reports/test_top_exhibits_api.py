"""GET /api/v1/reports/top-exhibits/: exhibits ranked by the share of one expressed emotion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytest_django.fixtures import SettingsWrapper
from rest_framework.test import APIClient

from exhibits.models import Exhibit
from museum_guide.disclosure import NOISE_RANGE
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory, HallFactory
from tests.reports.conftest import Scene, event_at

pytestmark = pytest.mark.django_db

MOMENT = datetime(2025, 5, 5, 10, tzinfo=UTC)


def _events(exhibit: Exhibit, labels: list[str]) -> None:
    """One event per label, each by a visitor of its own (groups count distinct visitors)."""
    for minute, label in enumerate(labels):
        event_at(MOMENT + timedelta(minutes=minute), exhibit=exhibit, visitor=VisitorFactory.create(), label=label)


def test_exhibits_are_ranked_by_the_share_of_the_emotion(analyst_client: APIClient) -> None:
    hall = HallFactory.create()
    calm, funny, funnier, tiny = (
        ExhibitFactory.create(hall=hall, title=t) for t in ("Calm", "Funny", "Funnier", "Tiny")
    )
    _events(calm, ["neutral"] * 6)
    # Shares far enough apart that the published counts' offsets (+-NOISE_RANGE) cannot swap them, whatever
    # the events' keys: Funny at most 9/18 = 0.5, Funnier at least 18/32 = 0.56; every emotion shown has >= k.
    _events(funny, ["happy"] * 7 + ["neutral"] * 13)
    _events(funnier, ["happy"] * 20 + ["sad"] * 5 + ["neutral"] * 5)
    _events(tiny, ["happy"] * 4)  # 100% happy but too few visitors to be shown

    body = analyst_client.get("/api/v1/reports/top-exhibits/", {"emotion": "happy"}).json()

    assert [(row["rank"], row["name"]) for row in body["exhibits"]] == [(1, "Funnier"), (2, "Funny"), (3, "Calm")]
    true_counts = {"Funnier": 20, "Funny": 7, "Calm": 0}
    for row in body["exhibits"]:
        assert abs(row["count"] - true_counts[row["name"]]) <= NOISE_RANGE
        assert row["share"] == round(row["count"] / row["events"], 4)
    assert body["exhibits"][2]["count"] == 0, "an emotion nobody showed is a true zero"
    assert body["suppressed_exhibits"] == 1
    assert body["emotion"] == "happy"
    assert "expressed" in body["note"]


def test_top_exhibits_show_the_numbers_of_the_exhibit_report(scene: Scene, analyst_client: APIClient) -> None:
    params: dict[str, str | int] = {"emotion": "happy", "venue": scene.tokyo.pk}
    body = analyst_client.get("/api/v1/reports/top-exhibits/", params).json()
    by_exhibit: dict[str, str | int] = {"group_by": "exhibit", "venue": scene.tokyo.pk}
    report = analyst_client.get("/api/v1/reports/emotions/", by_exhibit).json()
    rankable = {
        group["key"]: group
        for group in report["groups"]
        if not group["suppressed"] and group["emotions"]["happy"]["count"] is not None
    }

    assert body["exhibits"], "the scene has rankable exhibits"
    assert [row["exhibit"] for row in body["exhibits"]] == sorted(
        rankable, key=lambda key: (-rankable[key]["emotions"]["happy"]["share"], rankable[key]["name"])
    )
    for row in body["exhibits"]:
        group = rankable[row["exhibit"]]
        assert (row["count"], row["share"]) == tuple(group["emotions"]["happy"].values())
        assert (row["events"], row["visitors"]) == (group["events"], group["visitors"])
    assert body["suppressed_exhibits"] == len(report["groups"]) - len(rankable)


def test_the_limit_caps_the_ranking(scene: Scene, analyst_client: APIClient, settings: SettingsWrapper) -> None:
    settings.REPORT_MIN_GROUP_SIZE = 1
    body = analyst_client.get("/api/v1/reports/top-exhibits/", {"emotion": "happy", "limit": "3"}).json()

    assert [row["rank"] for row in body["exhibits"]] == [1, 2, 3]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "invalid_input"),
        ({"emotion": "bored"}, "unknown_emotion"),
        ({"emotion": "happy", "limit": "0"}, "min_value"),
    ],
)
def test_top_exhibits_validate_their_parameters(analyst_client: APIClient, params: dict[str, str], code: str) -> None:
    response = analyst_client.get("/api/v1/reports/top-exhibits/", params)

    assert response.status_code == 400
    assert response.json()["code"] == code
