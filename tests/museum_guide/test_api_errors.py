"""Every API error has the `{"code", "detail"}` shape, whatever raised it."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.exhibits.factories import ExhibitFactory

pytestmark = pytest.mark.django_db


def test_a_missing_object_is_a_404_with_code_and_detail() -> None:
    response = APIClient().get("/api/v1/exhibits/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"]


def test_a_bad_token_is_a_401_even_on_public_endpoints() -> None:
    response = APIClient().get("/api/v1/exhibits/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed", "detail": "Invalid token."}


def test_an_invalid_filter_value_is_a_400_naming_the_field() -> None:
    ExhibitFactory.create()
    response = APIClient().get("/api/v1/exhibits/", {"hall": "not-a-number"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["detail"].startswith("hall: ")
    assert "hall" in body["errors"]


def test_an_unknown_api_url_is_a_json_404() -> None:
    response = Client().get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "No such resource: /api/v1/no-such-endpoint/"}


def test_an_unknown_page_outside_the_api_stays_html() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
