# ruff: noqa: RUF001 - Russian texts are Cyrillic on purpose, not look-alike Latin letters.
"""The branded error pages visitors meet outside the API (DEBUG off, as in production); the API keeps JSON."""

import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from museum_guide import api_errors
from tests.exhibits.factories import ExhibitFactory

pytestmark = pytest.mark.django_db


def _looks_like_the_guide(html: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'class="bar"' in html and 'href="/visit/"' in html  # branded, with a way into the guide
    assert "Traceback" not in html and "urlpatterns" not in html.lower()


def test_a_qr_link_of_an_exhibit_taken_off_display_leads_into_the_guide(client: Client) -> None:
    assert not settings.DEBUG
    ExhibitFactory.create(slug="on-loan", is_active=False)
    response = client.get("/visit/e/on-loan")
    html = response.content.decode()
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    _looks_like_the_guide(html)
    assert "This object is not on display right now" in html
    assert "Explore the guide" in html


def test_the_not_found_page_speaks_the_visitors_language(client: Client) -> None:
    response = client.get("/visit/e/on-loan", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    html = response.content.decode()
    assert response.status_code == 404 and response["Content-Language"] == "ru"
    assert '<html lang="ru">' in html and "Этого экспоната сейчас нет в экспозиции" in html
    assert "Открыть гид" in html


def test_any_unknown_page_gets_the_branded_404_without_echoing_the_path(client: Client) -> None:
    response = client.get("/no-such-page/secret-<b>x</b>")
    html = response.content.decode()
    assert response.status_code == 404
    _looks_like_the_guide(html)
    assert "We could not find this page" in html
    assert "secret" not in html and "Not Found</h1>" not in html


def test_a_server_error_gets_the_branded_500_page_in_the_visitors_language() -> None:
    request = RequestFactory().get("/visit/", HTTP_ACCEPT_LANGUAGE="ru")
    response = api_errors.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    _looks_like_the_guide(html)
    assert '<html lang="ru">' in html and "У нас что-то сломалось" in html
    assert not re.search(r"Server Error \(500\)", html)


def test_api_errors_stay_json_in_the_api_shape(client: Client) -> None:
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail"} and response.json()["code"] == "not_found"
    server_error = api_errors.server_error(RequestFactory().get("/api/v1/exhibits/"))
    assert server_error.status_code == 500 and server_error["Content-Type"] == "application/json"
