"""Caching rules a phone app can rely on: the catalogue is cacheable and revalidates, personal data never is."""

import pytest
from rest_framework.test import APIClient

from emotions.models import Visitor
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/exhibits/", "/api/v1/venues/", "/api/v1/halls/", "exhibit-detail"])
def test_the_catalogue_is_public_for_a_minute_and_answers_304_when_unchanged(path: str) -> None:
    exhibit = ExhibitFactory.create()
    path = f"/api/v1/exhibits/{exhibit.slug}/" if path == "exhibit-detail" else path
    client = APIClient()

    first = client.get(path)
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert {part.strip() for part in first["Cache-Control"].split(",")} == {"public", "max-age=60"}
    assert "Accept-Language" in first["Vary"]
    assert again.status_code == 304 and again.content == b""


def test_a_changed_catalogue_gets_a_new_etag() -> None:
    exhibit = ExhibitFactory.create(title="Before")
    client = APIClient()
    before = client.get("/api/v1/exhibits/")["ETag"]
    exhibit.title = "After"
    exhibit.save()

    response = client.get("/api/v1/exhibits/", HTTP_IF_NONE_MATCH=before)

    assert response.status_code == 200 and response["ETag"] != before


@pytest.fixture
def visitor() -> Visitor:
    return VisitorFactory.create()


def test_personal_data_and_errors_are_never_stored_by_caches(visitor_client: APIClient) -> None:
    responses = [
        visitor_client.get("/api/v1/visitors/me/"),
        visitor_client.get("/api/v1/visitors/me/export/"),
        visitor_client.get("/api/v1/visitors/me/events/"),
        APIClient().get("/api/v1/exhibits/no-such-exhibit/"),
        APIClient().post("/api/v1/visitors/", {"consent_emotion_analysis": True}, format="json"),
    ]

    assert [r["Cache-Control"] for r in responses] == ["no-store"] * len(responses)
