"""factory_boy factories for the catalogue."""

from factory.declarations import LazyFunction, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory
from factory.helpers import post_generation

from exhibits.models import Exhibit, Hall, Passage, Tag, Venue


class VenueFactory(DjangoModelFactory[Venue]):
    class Meta:
        model = Venue

    name = Sequence(lambda n: f"Museum {n}")
    slug = Sequence(lambda n: f"museum-{n}")
    city = "Kazan"
    time_zone = "Europe/Moscow"
    default_language = "en"


class HallFactory(DjangoModelFactory[Hall]):
    class Meta:
        model = Hall

    venue = SubFactory(VenueFactory)
    name = Sequence(lambda n: f"Hall {n}")
    slug = Sequence(lambda n: f"hall-{n}")
    floor = 0
    is_step_free = True


class TagFactory(DjangoModelFactory[Tag]):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = Sequence(lambda n: f"Theme {n}")
    slug = Sequence(lambda n: f"theme-{n}")


class ExhibitFactory(DjangoModelFactory[Exhibit]):
    class Meta:
        model = Exhibit
        skip_postgeneration_save = True

    hall = SubFactory(HallFactory)
    title = Sequence(lambda n: f"Exhibit {n}")
    slug = Sequence(lambda n: f"exhibit-{n}")
    creator = "Unknown master"
    period = "19th century"
    description = "A thing worth seeing."
    position_x_m = 1.0
    position_y_m = 1.0
    dwell_minutes = 3
    expected_emotions = LazyFunction(lambda: {"happy": 0.5, "surprise": 0.5})

    @post_generation
    def tags(self, create: bool, extracted: list[Tag] | None, **kwargs: object) -> None:
        if create and extracted:
            self.tags.set(extracted)


class PassageFactory(DjangoModelFactory[Passage]):
    class Meta:
        model = Passage

    hall_a = SubFactory(HallFactory)
    hall_b = SubFactory(HallFactory, venue=SelfAttribute("..hall_a.venue"))
    kind = Passage.Kind.DOOR
    walking_seconds = 5
    is_step_free = True
