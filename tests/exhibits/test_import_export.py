"""CSV import and export of exhibits: all-or-nothing imports with per-row errors, lossless round trips."""

import csv
import io

import pytest
import tablib
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from exhibits.models import Exhibit, Hall, Tag
from exhibits.resources import ExhibitResource
from tests.exhibits.factories import ExhibitFactory, HallFactory, TagFactory, VenueFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "slug,title,venue,hall,creator,period,description,tags,"
    "position_x_m,position_y_m,dwell_minutes,expected_emotions,translations,is_active\n"
)


@pytest.fixture
def hall() -> Hall:
    return HallFactory.create(venue=VenueFactory.create(slug="riverside"), slug="maritime")


def csv_with_rows(*rows: str) -> str:
    return HEADER + "".join(f"{row}\n" for row in rows)


GOOD_ROW = (
    'astrolabe,Mariner\'s Astrolabe,riverside,maritime,Portuguese maker,c. 1600,Bronze ring.,"maritime,science",'
    '12.5,4,3,"{""neutral"": 0.5, ""surprise"": 0.5}","{""ru"": {""title"": ""Астролябия""}}",1'
)


def import_csv(text: str, *, dry_run: bool = False) -> object:
    dataset = tablib.Dataset().load(text, format="csv")
    return ExhibitResource().import_data(dataset, dry_run=dry_run)


def test_a_good_file_creates_exhibits_with_hall_tags_and_translations(hall: Hall) -> None:
    result = import_csv(csv_with_rows(GOOD_ROW))
    assert not result.has_errors() and not result.has_validation_errors()  # type: ignore[attr-defined]
    exhibit = Exhibit.objects.get(slug="astrolabe")
    assert exhibit.hall == hall
    assert sorted(exhibit.tags.values_list("slug", flat=True)) == ["maritime", "science"]
    assert exhibit.translations == {"ru": {"title": "Астролябия"}}
    assert exhibit.expected_emotions == {"neutral": 0.5, "surprise": 0.5}
    assert exhibit.image_alt == ""  # a file without the column leaves alt text alone


def test_an_import_sets_the_image_alt_text_and_a_file_without_the_column_keeps_it(hall: Hall) -> None:
    header = HEADER.replace("description,", "description,image_alt,")
    row = GOOD_ROW.replace("Bronze ring.,", "Bronze ring.,A brass disc engraved with a star map,")
    result = import_csv(header + row + "\n")
    assert not result.has_errors() and not result.has_validation_errors()  # type: ignore[attr-defined]
    assert Exhibit.objects.get(slug="astrolabe").image_alt == "A brass disc engraved with a star map"

    result = import_csv(csv_with_rows(GOOD_ROW.replace("Bronze ring.", "Bronze ring; polished.")))
    assert not result.has_errors() and not result.has_validation_errors()  # type: ignore[attr-defined]
    exhibit = Exhibit.objects.get(slug="astrolabe")
    assert (exhibit.description, exhibit.image_alt) == (
        "Bronze ring; polished.",
        "A brass disc engraved with a star map",
    )


@pytest.mark.parametrize(
    ("bad_row", "field", "message"),
    [
        ("helmet,Diving Helmet,riverside,nowhere,,,,,1,1,2,{},{},1", "hall", "no hall 'nowhere' in venue 'riverside'"),
        (
            'helmet,Diving Helmet,riverside,maritime,,,,,1,1,2,"{""fear"": -1}",{},1',
            "expected_emotions",
            "non-negative",
        ),
        ("helmet,Diving Helmet,riverside,maritime,,,,,1,1,2,{oops,{},1", "expected_emotions", "not valid JSON"),
        ("helmet,Diving Helmet,riverside,maritime,,,,bad tag!,1,1,2,{},{},1", "tags", "is not a slug"),
        ("helmet,Diving Helmet,riverside,maritime,,,,,1,1,0,{},{},1", "__all__", "at least one minute"),
    ],
)
def test_a_file_with_a_bad_row_reports_it_and_imports_nothing(
    hall: Hall, bad_row: str, field: str, message: str
) -> None:
    result = import_csv(csv_with_rows(GOOD_ROW, bad_row))
    assert result.has_validation_errors()  # type: ignore[attr-defined]
    [invalid] = result.invalid_rows  # type: ignore[attr-defined]
    assert invalid.number == 2
    errors = invalid.non_field_specific_errors if field == "__all__" else invalid.field_specific_errors[field]
    assert message in " ".join(str(error) for error in errors), errors
    assert not Exhibit.objects.exists()
    assert not Tag.objects.exists()


def test_the_admin_import_shows_per_row_errors_and_saves_nothing(admin_user: User, hall: Hall) -> None:
    client = Client()
    client.force_login(admin_user)
    upload = SimpleUploadedFile(
        "exhibits.csv",
        csv_with_rows(GOOD_ROW, "helmet,Diving Helmet,riverside,nowhere,,,,,1,1,2,{},{},1").encode(),
        content_type="text/csv",
    )
    response = client.post(reverse("admin:exhibits_exhibit_import"), {"import_file": upload, "format": "0"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some rows failed to validate" in html
    assert "no hall &#x27;nowhere&#x27; in venue &#x27;riverside&#x27;" in html
    assert 'name="import_file_name"' not in html  # no confirm button for a bad file
    assert not Exhibit.objects.exists()


def test_export_then_import_round_trips_every_field(hall: Hall) -> None:
    ExhibitFactory.create(
        hall=hall,
        slug="figurehead",
        title='Figurehead, "Nadezhda"',
        description="Carved maiden.\nTwo lines.",
        image_alt="A carved wooden woman, arms crossed, painted white and gold.",
        tags=[TagFactory.create(slug="maritime"), TagFactory.create(slug="sculpture")],
        translations={"ru": {"title": "Носовая фигура «Надежда»", "image_alt": "Резная деревянная женщина."}},
        expected_emotions={"surprise": 0.4, "sad": 0.3},
        position_x_m=3.25,
        is_active=False,
    )
    ExhibitFactory.create(hall=hall, slug="astrolabe", tags=[])
    fields = [
        "slug",
        "title",
        "description",
        "creator",
        "period",
        "image_alt",
        "position_x_m",
        "position_y_m",
        "dwell_minutes",
        "expected_emotions",
        "translations",
        "is_active",
        "hall_id",
    ]
    before = list(Exhibit.objects.order_by("slug").values(*fields))
    tags_before = {e.slug: sorted(e.tags.values_list("slug", flat=True)) for e in Exhibit.objects.all()}

    exported = ExhibitResource().export().csv
    assert "Носовая фигура «Надежда»" in exported  # readable, not \\u escapes
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["venue"] for row in rows] == ["riverside", "riverside"]
    assert rows[1]["image_alt"] == "A carved wooden woman, arms crossed, painted white and gold."

    Exhibit.objects.all().delete()
    result = import_csv(exported)
    assert not result.has_errors() and not result.has_validation_errors()  # type: ignore[attr-defined]
    assert list(Exhibit.objects.order_by("slug").values(*fields)) == before
    assert {e.slug: sorted(e.tags.values_list("slug", flat=True)) for e in Exhibit.objects.all()} == tags_before


def test_reimporting_an_unchanged_export_changes_nothing(hall: Hall) -> None:
    ExhibitFactory.create(hall=hall, tags=[TagFactory.create()])
    result = import_csv(ExhibitResource().export().csv)
    assert [row.import_type for row in result.rows] == ["skip"]  # type: ignore[attr-defined]
    assert Exhibit.objects.count() == 1
