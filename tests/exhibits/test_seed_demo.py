"""`manage.py seed_demo`: a realistic, connected demo venue, the same however often it runs."""

import io
import math
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from exhibits.models import Exhibit, Hall, Passage, Tag, Venue
from exhibits.walking import walking_matrix

pytestmark = pytest.mark.django_db

FER_LABELS = {"angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"}


def counts() -> dict[str, int]:
    return {
        "venues": Venue.objects.count(),
        "halls": Hall.objects.count(),
        "exhibits": Exhibit.objects.count(),
        "passages": Passage.objects.count(),
        "tags": Tag.objects.count(),
        "exhibit_tags": Exhibit.tags.through.objects.count(),
    }


@pytest.fixture
def seeded() -> Venue:
    call_command("seed_demo", stdout=io.StringIO())
    return Venue.objects.get(slug="riverside-museum")


def test_seeding_twice_leaves_the_same_data(seeded: Venue) -> None:
    before = counts()
    snapshot = list(Exhibit.objects.order_by("slug").values("slug", "title", "image", "position_x_m", "hall_id"))
    version = Venue.objects.get(pk=seeded.pk).graph_version
    files = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "exhibits" / "demo").iterdir())

    call_command("seed_demo", stdout=io.StringIO())

    assert counts() == before
    assert (
        list(Exhibit.objects.order_by("slug").values("slug", "title", "image", "position_x_m", "hall_id")) == snapshot
    )
    assert Venue.objects.get(pk=seeded.pk).graph_version == version  # cached walking matrices stay valid
    assert sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "exhibits" / "demo").iterdir()) == files


def test_the_demo_venue_is_big_enough_to_plan_routes_in(seeded: Venue) -> None:
    halls = Hall.objects.filter(venue=seeded)
    assert halls.count() >= 8
    assert set(halls.values_list("floor", flat=True)) == {0, 1}
    assert Exhibit.objects.filter(hall__venue=seeded, is_active=True).count() >= 40


def test_every_demo_exhibit_has_english_and_russian_texts_an_image_with_alt_text_and_a_prior(seeded: Venue) -> None:
    for exhibit in Exhibit.objects.filter(hall__venue=seeded):
        assert exhibit.title and exhibit.creator and exhibit.period and exhibit.description
        russian = exhibit.translations["ru"]
        assert all(russian[field] for field in ("title", "creator", "period", "description")), exhibit.slug
        assert set(exhibit.expected_emotions) <= FER_LABELS
        assert sum(exhibit.expected_emotions.values()) == pytest.approx(1.0)
        image = Path(exhibit.image.path)
        assert image.is_file() and image.stat().st_size < 40_000
        # The alt text describes the generated picture (shapes and the title as its caption).
        assert exhibit.title in exhibit.image_alt and exhibit.title in russian["image_alt"], exhibit.slug
    for hall in Hall.objects.filter(venue=seeded):
        assert hall.translations["ru"]["name"]


def test_the_demo_graph_is_connected_with_and_without_steps(seeded: Venue) -> None:
    assert walking_matrix(seeded.pk).is_connected()
    assert walking_matrix(seeded.pk, step_free=True).is_connected()


def test_step_free_visitors_go_round_the_grand_staircase(seeded: Venue) -> None:
    assert Passage.objects.filter(hall_a__venue=seeded, kind="stairs", is_step_free=False).exists()
    assert Passage.objects.filter(hall_a__venue=seeded, kind="lift", is_step_free=True).exists()
    start = Exhibit.objects.get(slug="foundation-stone").pk
    upstairs = Exhibit.objects.get(slug="artists-daughter").pk
    by_stairs = walking_matrix(seeded.pk).between(start, upstairs)
    by_lift = walking_matrix(seeded.pk, step_free=True).between(start, upstairs)
    assert math.isfinite(by_lift)
    assert by_lift > by_stairs + 1
