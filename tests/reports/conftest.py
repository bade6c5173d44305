"""Fixtures of the report tests: a label set, users of each kind, and events at chosen moments."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from emotions.models import EmotionEvent, Visitor
from exhibits.models import Exhibit, Venue
from reports.permissions import ANALYSTS_GROUP
from tests.emotions.factories import EmotionEventFactory, VisitorFactory, visitor_key
from tests.exhibits.factories import ExhibitFactory, HallFactory, VenueFactory

LABELS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")


@pytest.fixture(autouse=True)
def _active_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    """The active model's label set, without loading a checkpoint (reports only need the names)."""
    monkeypatch.setattr("emotions.classifier.active_labels", lambda: LABELS)


def event_at(
    moment: datetime,
    *,
    exhibit: Exhibit,
    visitor: Visitor,
    label: str = "happy",
    confidence: float = 0.8,
    source: str = "server",
) -> EmotionEvent:
    """An emotion event created (through the normal save and its signals) at the given moment."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        event: EmotionEvent = EmotionEventFactory.create(
            capture__visitor=visitor, capture__exhibit=exhibit, label=label, confidence=confidence, source=source
        )
    assert event.created_at == moment
    return event


@dataclass
class Scene:
    """Two venues in different time zones, three halls, five exhibits, visitors and their events."""

    tokyo: Venue
    moscow: Venue
    exhibits: list[Exhibit]
    visitors: list[Visitor]
    events: list[EmotionEvent]


@pytest.fixture
def scene(db: None) -> Scene:
    """A reproducible, varied set of events; many fall near local and UTC midnight."""
    tokyo = VenueFactory.create(name="Tokyo Museum", time_zone="Asia/Tokyo")
    moscow = VenueFactory.create(name="Moscow Museum", time_zone="Europe/Moscow")
    tokyo_halls = [HallFactory.create(venue=tokyo, name="East"), HallFactory.create(venue=tokyo, name="West")]
    moscow_hall = HallFactory.create(venue=moscow, name="Main")
    exhibits = [
        ExhibitFactory.create(hall=tokyo_halls[0], title="Wave"),
        ExhibitFactory.create(hall=tokyo_halls[0], title="Mount Fuji"),
        ExhibitFactory.create(hall=tokyo_halls[1], title="Tea bowl"),
        ExhibitFactory.create(hall=moscow_hall, title="Icon"),
        ExhibitFactory.create(hall=moscow_hall, title="Samovar"),
    ]
    visitors = [VisitorFactory.create() for _ in range(9)]
    rng = random.Random(7)
    start = datetime(2025, 3, 1, tzinfo=UTC)
    events = []
    # Exhibit weights make some groups big and "Samovar" small enough to be suppressed.
    weights = [30, 22, 14, 18, 3]
    for _ in range(80):
        exhibit = rng.choices(exhibits[:4], weights=weights[:4])[0]
        moment = start + timedelta(
            days=rng.randrange(6), hours=rng.choice([0, 8, 14, 15, 20, 23]), minutes=rng.choice([0, 30, 59])
        )
        events.append(
            event_at(
                moment,
                exhibit=exhibit,
                visitor=rng.choice(visitors),
                label=rng.choice(LABELS[:5]),
                confidence=round(rng.uniform(0.3, 1.0), 3),
            )
        )
    for minute in range(3):
        events.append(event_at(start + timedelta(hours=12, minutes=minute), exhibit=exhibits[4], visitor=visitors[0]))
    return Scene(tokyo=tokyo, moscow=moscow, exhibits=exhibits, visitors=visitors, events=events)


@pytest.fixture
def analyst(db: None) -> User:
    user = User.objects.create_user("ana", password="pw-ana-123456")
    user.groups.add(Group.objects.get(name=ANALYSTS_GROUP))
    return user


@pytest.fixture
def analyst_client(analyst: User) -> APIClient:
    """An API client authenticated with the analyst's DRF token (`manage.py drf_create_token`)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=analyst).key}")
    return client


@pytest.fixture
def visitor_client(db: None) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {visitor_key(VisitorFactory.create())}")
    return client


@pytest.fixture
def staff_client(db: None) -> APIClient:
    client = APIClient()
    client.force_login(User.objects.create_user("sam", password="pw-sam-123456", is_staff=True))
    return client


@pytest.fixture
def get_report(analyst_client: APIClient) -> Callable[..., dict]:
    """GET /api/v1/reports/emotions/ as an analyst; asserts 200 and returns the JSON body."""

    def get(**params: Any) -> dict:
        response = analyst_client.get("/api/v1/reports/emotions/", params)
        assert response.status_code == 200, response.content
        body: dict = response.json()
        return body

    return get
