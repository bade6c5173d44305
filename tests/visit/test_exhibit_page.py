# ruff: noqa: RUF001 - Russian texts are Cyrillic on purpose, not look-alike Latin letters.
"""The public page an exhibit's QR code opens."""

import pytest
from django.test import Client

from tests.exhibits.factories import ExhibitFactory, HallFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mammoth() -> None:
    ExhibitFactory.create(
        hall=HallFactory.create(venue=VenueFactory.create(name="Riverside Museum"), name="Fossils"),
        slug="mammoth",
        title="Mammoth Skeleton",
        creator="Museum expedition",
        period="40,000 years ago",
        description="A young woolly mammoth.",
        image="exhibits/mammoth.jpg",
        translations={"ru": {"title": "Скелет мамонта", "description": "Молодой шерстистый мамонт."}},
    )


def test_the_visit_page_shows_the_exhibit(client: Client, mammoth: None) -> None:
    response = client.get("/visit/e/mammoth")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Mammoth Skeleton", "Museum expedition", "40,000 years ago", "A young woolly mammoth.", "Fossils"):
        assert text in html
    assert 'src="/media/exhibits/mammoth.jpg"' in html
    assert '<html lang="en">' in html


def test_the_visit_page_speaks_the_visitors_language(client: Client, mammoth: None) -> None:
    response = client.get("/visit/e/mammoth", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    html = response.content.decode()
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru">' in html  # the app's own texts too, not just the exhibit's card
    assert "Скелет мамонта" in html and "Об экспонате" in html
    assert "Museum expedition" in html  # no Russian creator: the base text is shown
    assert 'href="?lang=en"' in html
    english = client.get("/visit/e/mammoth?lang=en", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Mammoth Skeleton" in english and '<html lang="en">' in english and "About this exhibit" in english


def test_an_unknown_language_on_the_visit_page_falls_back_instead_of_failing(client: Client, mammoth: None) -> None:
    assert client.get("/visit/e/mammoth?lang=xx").status_code == 200


def test_exhibits_off_display_have_no_visit_page(client: Client) -> None:
    ExhibitFactory.create(slug="in-storage", title="Secret Storage Item", is_active=False)
    for slug in ("in-storage", "never-existed"):
        response = client.get(f"/visit/e/{slug}")
        html = response.content.decode()
        assert response.status_code == 404
        assert "This object is not on display right now" in html and 'href="/visit/"' in html
    assert "Secret Storage Item" not in client.get("/visit/e/in-storage").content.decode()
