"""The emotions admin: read-only, superusers only."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from emotions.models import Capture, EmotionEvent
from tests.emotions.factories import CaptureFactory, EmotionEventFactory

pytestmark = pytest.mark.django_db


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
