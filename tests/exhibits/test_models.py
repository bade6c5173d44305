# ruff: noqa: RUF001 - Russian texts are Cyrillic on purpose, not look-alike Latin letters.
"""Catalogue model invariants: database constraints, field validation, texts in several languages."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from exhibits.models import Exhibit, Hall, Passage, Venue
from tests.exhibits.factories import ExhibitFactory, HallFactory, PassageFactory, VenueFactory

pytestmark = pytest.mark.django_db


def _violates_constraint(create: object) -> bool:
    try:
        with transaction.atomic():
            create()  # type: ignore[operator]
    except IntegrityError:
        return True
    return False


def test_an_exhibit_needs_a_positive_dwell_time() -> None:
    assert _violates_constraint(lambda: ExhibitFactory.create(dwell_minutes=0))


def test_an_exhibit_cannot_stand_off_the_floor_plan() -> None:
    assert _violates_constraint(lambda: ExhibitFactory.create(position_x_m=-1.0))


def test_exhibit_slugs_are_unique_across_venues() -> None:
    ExhibitFactory.create(slug="mammoth")
    assert _violates_constraint(lambda: ExhibitFactory.create(slug="mammoth"))


def test_hall_slugs_are_unique_within_a_venue_but_not_across_venues() -> None:
    hall = HallFactory.create(slug="main")
    HallFactory.create(slug="main")  # another venue
    assert _violates_constraint(lambda: HallFactory.create(slug="main", venue=hall.venue))


def test_a_passage_cannot_lead_from_a_hall_to_itself() -> None:
    hall = HallFactory.create()
    assert _violates_constraint(lambda: PassageFactory.create(hall_a=hall, hall_b=hall))


def test_a_passage_takes_a_positive_number_of_seconds() -> None:
    assert _violates_constraint(lambda: PassageFactory.create(walking_seconds=0))


def test_stairs_can_never_be_marked_step_free() -> None:
    assert _violates_constraint(lambda: PassageFactory.create(kind=Passage.Kind.STAIRS, is_step_free=True))


def test_the_same_pair_of_halls_gets_one_passage_of_a_kind_in_either_direction() -> None:
    passage = PassageFactory.create(kind=Passage.Kind.DOOR)
    assert _violates_constraint(lambda: PassageFactory.create(hall_a=passage.hall_b, hall_b=passage.hall_a))
    # A lift between the same halls is a different passage.
    PassageFactory.create(hall_a=passage.hall_b, hall_b=passage.hall_a, kind=Passage.Kind.LIFT)


def test_a_passage_between_venues_fails_validation() -> None:
    passage = Passage(hall_a=HallFactory.create(), hall_b=HallFactory.create(), walking_seconds=5)
    with pytest.raises(ValidationError) as error:
        passage.full_clean()
    assert "hall_b" in error.value.message_dict


def test_a_venue_time_zone_must_be_an_iana_name() -> None:
    venue = VenueFactory.build(time_zone="Moscow/Standard")
    with pytest.raises(ValidationError) as error:
        venue.full_clean()
    assert "time_zone" in error.value.message_dict
    VenueFactory.build(time_zone="Asia/Yekaterinburg").full_clean(validate_unique=False)


@pytest.mark.parametrize(
    "prior",
    [{"happy": -0.1}, {"happy": "a lot"}, {"happy": True}, {"": 1.0}, {"happy": float("nan")}, ["happy"]],
)
def test_curators_priors_must_be_non_negative_numbers(prior: object) -> None:
    exhibit = ExhibitFactory.build(hall=HallFactory.create(), expected_emotions=prior)
    with pytest.raises(ValidationError) as error:
        exhibit.full_clean()
    assert "expected_emotions" in error.value.message_dict


def test_a_curators_prior_may_use_any_label_the_model_knows() -> None:
    exhibit = ExhibitFactory.build(hall=HallFactory.create(), expected_emotions={"surprise": 2, "contempt": 0})
    exhibit.full_clean()


@pytest.mark.parametrize(
    "translations",
    [{"xx": {"title": "?"}}, {"ru": {"colour": "красный"}}, {"ru": "Мамонт"}, {"ru": {"title": 5}}],
)
def test_translations_must_name_supported_languages_and_translatable_fields(translations: object) -> None:
    exhibit = ExhibitFactory.build(hall=HallFactory.create(), translations=translations)
    with pytest.raises(ValidationError) as error:
        exhibit.full_clean()
    assert "translations" in error.value.message_dict


def test_texts_fall_back_to_the_venue_language_field_by_field() -> None:
    venue = VenueFactory.create(default_language="en")
    exhibit = ExhibitFactory.create(
        hall=HallFactory.create(venue=venue),
        title="Mammoth",
        description="Big.",
        translations={"ru": {"title": "Мамонт"}},
    )
    assert exhibit.language_for(["de", "ru"]) == "ru"
    assert exhibit.text("title", "ru") == "Мамонт"
    assert exhibit.text("description", "ru") == "Big."
    assert exhibit.language_for(["de"]) == "en"
    assert exhibit.available_languages() == ["en", "ru"]


def test_a_venue_whose_base_language_is_russian_answers_english_readers_in_russian() -> None:
    venue = VenueFactory.create(default_language="ru", name="Эрмитаж")
    assert venue.language_for(["en"]) == "ru"
    assert venue.text("name", "en") == "Эрмитаж"


def test_on_display_lists_only_active_exhibits() -> None:
    shown = ExhibitFactory.create(is_active=True)
    ExhibitFactory.create(is_active=False)
    assert list(Exhibit.objects.on_display()) == [shown]


def test_search_finds_translated_text_regardless_of_case() -> None:
    mammoth = ExhibitFactory.create(title="Mammoth", translations={"ru": {"title": "Скелет Мамонта"}})
    ExhibitFactory.create(title="Amphora")
    assert list(Exhibit.objects.search("МАМОНТ")) == [mammoth]
    assert list(Exhibit.objects.search("mammoth")) == [mammoth]


def test_saving_a_stale_venue_does_not_roll_back_its_graph_version() -> None:
    venue = VenueFactory.create()
    stale = Venue.objects.get(pk=venue.pk)
    HallFactory.create(venue=venue)  # bumps the version in the database
    bumped = Venue.objects.get(pk=venue.pk).graph_version
    stale.name = "Renamed"
    stale.save()
    assert Venue.objects.get(pk=venue.pk).graph_version == bumped
    assert Venue.objects.get(pk=venue.pk).name == "Renamed"


def test_hall_passages_include_both_sides() -> None:
    passage = PassageFactory.create()
    other = PassageFactory.create(hall_b=passage.hall_a, hall_a=HallFactory.create(venue=passage.hall_a.venue))
    assert set(Hall.objects.get(pk=passage.hall_a.pk).passages()) == {passage, other}
