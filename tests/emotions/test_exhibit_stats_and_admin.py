"""The exhibit detail's emotion statistics (provided by emotions) and the read-only admin."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from emotions.models import Capture, EmotionEvent
from emotions.selectors import exhibit_stats
from exhibits.extensions import register_exhibit_stats_provider
from tests.emotions.factories import CaptureFactory, EmotionEventFactory
from tests.exhibits.factories import ExhibitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def emotions_stats_provider() -> Iterator[None]:
    """Serve exhibit statistics from this app's provider (the recommendations app may replace it)."""
    previous = register_exhibit_stats_provider(exhibit_stats)
    yield
    register_exhibit_stats_provider(previous)


@pytest.mark.usefixtures("emotions_stats_provider")
def test_the_exhibit_detail_shows_event_count_and_mean_score_vector() -> None:
    exhibit = ExhibitFactory.create()
    EmotionEventFactory.create(capture__exhibit=exhibit, scores={"happy": 0.8, "sad": 0.2})
    EmotionEventFactory.create(capture__exhibit=exhibit, scores={"happy": 0.4, "sad": 0.6})
    EmotionEventFactory.create(scores={"happy": 0.0, "sad": 1.0})  # another exhibit's

    body = APIClient().get(f"/api/v1/exhibits/{exhibit.pk}/").json()

    assert body["n_events"] == 2
    assert body["emotion_profile"] == pytest.approx({"happy": 0.6, "sad": 0.4})


@pytest.mark.usefixtures("emotions_stats_provider")
def test_an_exhibit_without_events_has_an_empty_profile() -> None:
    exhibit = ExhibitFactory.create()

    body = APIClient().get(f"/api/v1/exhibits/{exhibit.pk}/").json()

    assert (body["n_events"], body["emotion_profile"]) == (0, {})


def test_stats_for_many_exhibits_take_two_queries(django_assert_num_queries: object) -> None:
    exhibits = [ExhibitFactory.create() for _ in range(3)]
    for exhibit in exhibits[:2]:
        EmotionEventFactory.create(capture__exhibit=exhibit, scores={"a": 1.0, "b": 0.0})

    with django_assert_num_queries(2):  # type: ignore[operator]
        stats = exhibit_stats([exhibit.pk for exhibit in exhibits])

    assert set(stats) == {exhibits[0].pk, exhibits[1].pk}
    assert stats[exhibits[0].pk].emotion_profile == {"a": 1.0, "b": 0.0}


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "pw"))
    return client


@pytest.mark.parametrize(
    "query",
    ["", "?status__exact=done", "?label=a", "?created_at__gte=2020-01-01", "?exhibit__id__exact=1", "?q=x"],
)
def test_staff_can_browse_and_filter_captures_and_events(staff_client: Client, query: str) -> None:
    event = EmotionEventFactory.create()
    model = "emotionevent" if "label" in query else "capture"

    response = staff_client.get(f"/admin/emotions/{model}/{query}")

    assert response.status_code == 200
    assert event.capture.image.name == ""


def test_the_admin_never_shows_a_selfie_and_allows_no_edits(staff_client: Client) -> None:
    capture = CaptureFactory.create(image="captures/secret-selfie.jpg")
    event = EmotionEventFactory.create()

    detail = staff_client.get(f"/admin/emotions/capture/{capture.pk}/change/").content.decode()
    listing = staff_client.get("/admin/emotions/capture/").content.decode()

    assert "secret-selfie" not in detail + listing
    # The only pictures are the admin's own icons.
    assert all(src.startswith("/static/admin/") for src in re.findall(r'<img[^>]*src="([^"]*)"', detail + listing))
    assert staff_client.get("/admin/emotions/capture/add/").status_code == 403
    assert staff_client.post(f"/admin/emotions/emotionevent/{event.pk}/change/", {"label": "x"}).status_code == 403
    assert staff_client.post(f"/admin/emotions/capture/{capture.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Capture.objects.filter(pk=capture.pk).exists()
    assert EmotionEvent.objects.get(pk=event.pk).label == event.label
