# ruff: noqa: RUF001 - Russian texts are Cyrillic on purpose, not look-alike Latin letters.
"""The exhibit admin's structured editors: priors per label, translations per text, alt text, floor plan."""

import io
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from exhibits.models import Exhibit, Venue
from tests.exhibits.conftest import LABELS
from tests.exhibits.factories import ExhibitFactory, HallFactory, PassageFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


class FormReader(HTMLParser):
    """What a browser would submit from the page's main form, unchanged (file inputs left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = False

    def add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or "name" not in a:
            if tag == "option" and self._select and "selected" in a:
                self.add(self._select, a.get("value", ""))
            return
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.add(a["name"], a.get("value", "on"))
        elif tag == "input" and a.get("type") not in ("file", "submit"):
            self.add(a["name"], a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.add(a["name"], "")
        elif tag == "select":
            self._select = a["name"]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_of(client: Client, url: str) -> dict[str, list[str]]:
    reader = FormReader()
    reader.feed(client.get(url).content.decode())
    assert reader.data, "the page has a change form"
    return reader.data


@pytest.fixture
def exhibit() -> Exhibit:
    return ExhibitFactory.create(
        expected_emotions={"surprise": 0.6, "happy": 0.3, "awe": 1.0},
        translations={"ru": {"title": "Волна", "description": "Большая волна.\nДве строки."}, "de": {"title": "Welle"}},
    )


def change_url(exhibit: Exhibit) -> str:
    return reverse("admin:exhibits_exhibit_change", args=[exhibit.pk])


def test_the_prior_is_one_number_input_per_model_label_plus_stored_extras(
    staff_client: Client, exhibit: Exhibit
) -> None:
    page = staff_client.get(change_url(exhibit)).content.decode()

    for label in LABELS:
        assert f'name="expected_emotions__{label}"' in page
    assert 'name="expected_emotions__surprise" value="0.6"' in page
    assert "awe (not a label of the current model)" in page
    assert '<textarea name="expected_emotions"' not in page and '<textarea name="translations"' not in page


def test_saving_the_form_unchanged_stores_the_same_json(staff_client: Client, exhibit: Exhibit) -> None:
    before = Exhibit.objects.values("expected_emotions", "translations").get(pk=exhibit.pk)
    data = form_of(staff_client, change_url(exhibit))

    response = staff_client.post(change_url(exhibit), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Exhibit.objects.values("expected_emotions", "translations").get(pk=exhibit.pk) == before


def test_edited_inputs_are_written_back_as_json(staff_client: Client, exhibit: Exhibit) -> None:
    data = form_of(staff_client, change_url(exhibit))
    data["expected_emotions__happy"] = ["0,75"]  # a decimal comma is read as a point
    data["expected_emotions__surprise"] = [""]
    data["expected_emotions__fear"] = ["0"]
    data["translations__de__description"] = ["Eine große Welle."]
    data["translations__ru__title"] = ["  "]

    assert staff_client.post(change_url(exhibit), data).status_code == 302

    exhibit.refresh_from_db()
    assert exhibit.expected_emotions == {"happy": 0.75, "fear": 0.0, "awe": 1.0}
    assert exhibit.translations == {
        "ru": {"description": "Большая волна.\nДве строки."},
        "de": {"title": "Welle", "description": "Eine große Welle."},
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("expected_emotions__happy", "lots", "happy: &#x27;lots&#x27; is not a number"),
        ("expected_emotions__fear", "-0.2", "fear: the weight must be zero or more"),
        ("expected_emotions__sad", "inf", "sad: the weight must be zero or more"),
        ("translations__fr__title", "x" * 256, "Français title: at most 255 characters (it has 256)"),
    ],
)
def test_invalid_input_is_a_form_error_and_changes_nothing(
    staff_client: Client, exhibit: Exhibit, name: str, value: str, message: str
) -> None:
    before = Exhibit.objects.values("expected_emotions", "translations").get(pk=exhibit.pk)
    data = form_of(staff_client, change_url(exhibit))
    data[name] = [value]

    response = staff_client.post(change_url(exhibit), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "errornote" in page and message in page
    assert f'name="{name}" value="{value}"' in page, "the typed value is shown again for correction"
    assert Exhibit.objects.values("expected_emotions", "translations").get(pk=exhibit.pk) == before


def test_the_base_language_has_no_translation_inputs(staff_client: Client) -> None:
    exhibit = ExhibitFactory.create(hall=HallFactory.create(venue=VenueFactory.create(default_language="ru")))

    page = staff_client.get(change_url(exhibit)).content.decode()

    assert 'name="translations__en__title"' in page
    assert 'name="translations__ru__title"' not in page


def test_venue_and_hall_translations_are_edited_text_by_text(staff_client: Client) -> None:
    venue = VenueFactory.create(translations={"ru": {"name": "Музей"}})
    url = reverse("admin:exhibits_venue_change", args=[venue.pk])
    data = form_of(staff_client, url)
    assert data["translations__ru__name"] == ["Музей"]
    data["translations__de__description"] = ["Ein Museum am Fluss."]

    assert staff_client.post(url, data).status_code == 302

    venue.refresh_from_db()
    assert venue.translations == {"ru": {"name": "Музей"}, "de": {"description": "Ein Museum am Fluss."}}
    hall_page = staff_client.get(reverse("admin:exhibits_hall_add")).content.decode()
    assert 'name="translations__ru__name"' in hall_page


def test_an_image_needs_alt_text(staff_client: Client, exhibit: Exhibit) -> None:
    data = form_of(staff_client, change_url(exhibit))
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 90, 60)).save(buffer, format="PNG")
    image = SimpleUploadedFile("wave.png", buffer.getvalue(), content_type="image/png")

    response = staff_client.post(change_url(exhibit), {**data, "image": image, "image_alt": ""})

    assert response.status_code == 200
    assert "Describe the image for visitors who cannot see it" in response.content.decode()
    image.seek(0)
    data["image_alt"] = ["A green wave curling over three small boats."]
    assert staff_client.post(change_url(exhibit), {**data, "image": image}).status_code == 302
    exhibit.refresh_from_db()
    assert exhibit.image_alt == "A green wave curling over three small boats."
    page = staff_client.get(change_url(exhibit)).content.decode()
    assert 'alt="A green wave curling over three small boats."' in page


def test_the_exhibit_page_sketches_its_floor_with_the_exhibit_marked(staff_client: Client) -> None:
    passage = PassageFactory.create(door_a_x_m=20.0, door_a_y_m=7.5, door_b_x_m=20.0, door_b_y_m=7.5)
    exhibit = ExhibitFactory.create(hall=passage.hall_a, title="Wave", position_x_m=4.5, position_y_m=11.0)
    ExhibitFactory.create(hall=passage.hall_a, title="Neighbour", position_x_m=10.0, position_y_m=3.0)
    ExhibitFactory.create(hall=passage.hall_b, title="Next door", position_x_m=30.0, position_y_m=5.0)
    upstairs = HallFactory.create(venue=passage.hall_a.venue, floor=1)
    ExhibitFactory.create(hall=upstairs, title="Upstairs", position_x_m=90.0, position_y_m=90.0)

    page = staff_client.get(change_url(exhibit)).content.decode()

    assert 'data-this-exhibit cx="4.5" cy="11"' in page
    assert "<title>Neighbour</title>" in page and "<title>Next door</title>" in page
    assert "Upstairs" not in page, "another floor is another plan"
    assert 'viewBox="0 0 32 13"' in page, "the plan spans the floor's exhibits and doors plus a margin"
    assert "exhibits/admin.js" in page


def test_hall_pages_load_the_compact_inline_styles(staff_client: Client) -> None:
    hall = ExhibitFactory.create().hall

    page = staff_client.get(reverse("admin:exhibits_hall_change", args=[hall.pk])).content.decode()

    assert "exhibits/admin.css" in page


def test_the_admin_carries_the_museum_name_not_djangos(staff_client: Client) -> None:
    page = staff_client.get(reverse("admin:index")).content.decode()

    assert "Django administration" not in page and "Django site admin" not in page
    assert "Museum Guide · staff" in page


def test_the_venue_model_is_untouched_by_an_unchanged_save(staff_client: Client) -> None:
    venue: Venue = VenueFactory.create(translations={})
    url = reverse("admin:exhibits_venue_change", args=[venue.pk])

    assert staff_client.post(url, form_of(staff_client, url)).status_code == 302

    venue.refresh_from_db()
    assert venue.translations == {}
