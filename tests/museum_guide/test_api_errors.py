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


@pytest.mark.parametrize("url", ["/api/v1/venues/abc/", "/api/v1/halls/abc/"])
def test_a_404_from_a_non_numeric_id_still_says_what_was_not_found(url: str) -> None:
    response = APIClient().get(url)

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": f"No such resource: {url}"}


def test_asking_for_another_format_than_json_is_a_404_that_says_why() -> None:
    response = APIClient().get("/api/v1/exhibits/", {"format": "xml"})

    assert response.status_code == 404
    assert "answers in JSON" in response.json()["detail"]


def test_a_post_without_the_trailing_slash_gets_json_not_a_redirect_page() -> None:
    response = APIClient().post("/api/v1/visitors", {"consent_emotion_analysis": True}, format="json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].endswith("(API paths end with a slash: /api/v1/visitors/)")


def test_api_messages_stay_in_one_language_whatever_the_browser_asks() -> None:
    response = APIClient().post(
        "/api/v1/visitors/", {"consent_emotion_analysis": "vielleicht"}, format="json", HTTP_ACCEPT_LANGUAGE="de"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "consent_emotion_analysis: Must be a valid boolean."
    assert "Content-Language" not in response


def test_pages_outside_the_api_still_follow_the_browser_language() -> None:
    response = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE="de")

    assert response["Content-Language"] == "de"
    assert "Anmelden" in response.content.decode()


def test_an_unknown_api_url_is_json_in_debug_mode_too(settings: pytest.FixtureRequest) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]

    response = Client().get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"language": "' + "x" * 200_000 + '"}', "application/json"),
        ("[" * 100_000 + "]" * 100_000, "application/json"),
        ("language=" + "x" * 200_000, "application/x-www-form-urlencoded"),
    ],
    ids=["long-json", "deeply-nested-json", "form"],
)
def test_an_oversized_body_is_refused_with_413_before_it_is_parsed(body: str, content_type: str) -> None:
    from emotions.models import Visitor

    response = Client().post("/api/v1/visitors/", body, content_type=content_type)

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert Visitor.objects.count() == 0


def test_json_endpoints_refuse_form_bodies_with_415() -> None:
    from emotions.models import Visitor

    response = APIClient().post("/api/v1/visitors/", {"consent_emotion_analysis": "0"}, format="multipart")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type" and response.json()["detail"]
    assert Visitor.objects.count() == 0
