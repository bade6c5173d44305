"""Cross-origin requests: a web front end on an allowed origin may call the API, nothing else opens up."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

APP = "https://app.example-museum.org"


@pytest.fixture(autouse=True)
def _allowed_origin(settings: Any) -> None:
    settings.CORS_ALLOWED_ORIGINS = [APP]


def _preflight(path: str, origin: str) -> Any:
    return Client().options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )


def test_a_preflight_from_an_allowed_origin_is_answered_without_a_token() -> None:
    response = _preflight("/api/v1/captures/", APP)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    assert "authorization" in response["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response


def test_api_answers_to_an_allowed_origin_expose_the_poll_headers() -> None:
    response = Client().get("/api/v1/exhibits/", HTTP_ORIGIN=APP)

    assert response["Access-Control-Allow-Origin"] == APP
    assert {"location", "retry-after"} <= {
        h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")
    }


@pytest.mark.parametrize(("path", "origin"), [("/api/v1/captures/", "https://evil.example"), ("/admin/", APP)])
def test_other_origins_and_pages_outside_the_api_get_no_cors_headers(path: str, origin: str) -> None:
    assert "Access-Control-Allow-Origin" not in _preflight(path, origin)
