"""GET /api/v1/reports/top-exhibits/: exhibits ranked by the share of one expressed emotion."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_django.fixtures import SettingsWrapper
from rest_framework.test import APIClient

from exhibits.models import Exhibit
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory, HallFactory
from tests.reports.conftest import Scene, event_at
from tests.reports.expected import expected_groups

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
    _events(funny, ["happy"] * 3 + ["neutral"] * 3)
    _events(funnier, ["happy"] * 8 + ["sad"] * 2)
    _events(tiny, ["happy"] * 4)  # 100% happy but too few visitors to be shown

    body = analyst_client.get("/api/v1/reports/top-exhibits/", {"emotion": "happy"}).json()

    assert [(row["rank"], row["name"], row["count"], row["share"]) for row in body["exhibits"]] == [
        (1, "Funnier", 8, 0.8),
        (2, "Funny", 3, 0.5),
        (3, "Calm", 0, 0.0),
    ]
    assert body["suppressed_exhibits"] == 1
    assert body["emotion"] == "happy"
    assert "expressed" in body["note"]


def test_top_exhibits_agree_with_the_exhibit_report(scene: Scene, analyst_client: APIClient) -> None:
    params: dict[str, Any] = {"emotion": "fear", "venue": scene.tokyo.pk, "limit": 2}
    body = analyst_client.get("/api/v1/reports/top-exhibits/", params).json()
    expected = expected_groups("exhibit", ("fear",), 5, venue=scene.tokyo.pk)
    ranked = sorted(
        ((key, want["counts"]["fear"] / want["events"]) for key, want in expected.items() if not want["suppressed"]),
        key=lambda item: -item[1],
    )

    assert [row["exhibit"] for row in body["exhibits"]] == [key for key, _ in ranked[:2]]
    for row in body["exhibits"]:
        assert row["share"] == pytest.approx(row["count"] / row["events"], abs=1e-6)


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
