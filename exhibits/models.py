"""Catalogue models: venues, halls, exhibits, tags and the walking graph (passages between halls).

Texts: base text fields hold the venue's default language; `translations` holds the others as
`{"ru": {"title": "...", "description": "..."}}` and readers fall back to the base text field by field.
Coordinates are metres on a hall's floor plan (origin in a corner, so never negative); halls on the
same floor share one plan, which is what lets passages be placed by door coordinates.
"""

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils.deconstruct import deconstructible

from exhibits.validators import validate_emotion_weights, validate_time_zone, validate_translations


@deconstructible
class TranslationsValidator:
    """Field validator for a `translations` JSON object limited to the given text fields."""

    def __init__(self, fields: Sequence[str]) -> None:
        self.fields = tuple(fields)

    def __call__(self, value: Any) -> None:
        validate_translations(value, fields=frozenset(self.fields))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TranslationsValidator) and other.fields == self.fields

    def __hash__(self) -> int:
        return hash(self.fields)


class TimestampedModel(models.Model):
    """`created_at` / `updated_at` for every catalogue row."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Translatable:
    """Multilingual texts: `text(field, language)` with a per-field fallback to the base language."""

    TRANSLATABLE_FIELDS: ClassVar[tuple[str, ...]] = ()
    translations: Any

    @property
    def base_language(self) -> str:
        """The language of the base text fields (the venue's default language)."""
        raise NotImplementedError

    def available_languages(self) -> list[str]:
        """The base language followed by the languages with at least one translated text."""
        others = [code for code, texts in (self.translations or {}).items() if texts and code != self.base_language]
        return [self.base_language, *sorted(others)]

    def language_for(self, preferred: Iterable[str]) -> str:
        """The first preferred language this row has texts in, else its base language."""
        available = set(self.available_languages())
        for language in preferred:
            if language in available:
                return language
        return self.base_language

    def text(self, field: str, language: str) -> str:
        """`field` in `language`, or the base text where that translation is missing or empty."""
        if language != self.base_language:
            translated = ((self.translations or {}).get(language) or {}).get(field)
            if translated:
                return str(translated)
        return str(getattr(self, field))


class GraphTracked(models.Model):
    """Remembers the walking-graph fields as loaded, so saves that change none of them keep the cache."""

    GRAPH_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    _saved_graph_fields: dict[str, Any] | None = None

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        # With deferred graph fields, reading them would cost a query per row; such rows count as changed.
        if all(name in field_names for name in cls.GRAPH_FIELDS):
            instance.remember_graph_fields()
        return instance

    def graph_snapshot(self) -> dict[str, Any]:
        """Current values of the fields the walking graph depends on."""
        return {name: getattr(self, name) for name in self.GRAPH_FIELDS}

    def remember_graph_fields(self) -> None:
        """Mark the current values as persisted (called after load and after save)."""
        self._saved_graph_fields = None if self._state.adding else self.graph_snapshot()

    @property
    def saved_graph_fields(self) -> dict[str, Any] | None:
        """Graph fields as last loaded or saved; None for a row not yet in the database."""
        return self._saved_graph_fields

    def graph_fields_changed(self) -> bool:
        """True for a new row or when a graph field differs from the stored value."""
        return self._saved_graph_fields is None or self._saved_graph_fields != self.graph_snapshot()


class Venue(Translatable, TimestampedModel):
    """A museum, exhibition centre or city walk: the unit of the walking graph."""

    TRANSLATABLE_FIELDS = ("name", "description")
    VERSION_FIELDS = ("graph_version", "catalogue_version")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    city = models.CharField(max_length=120)
    address = models.CharField(max_length=255, blank=True)
    website = models.URLField(blank=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone], help_text="IANA name, e.g. Europe/Moscow."
    )
    default_language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text="Language of the base text fields of this venue, its halls and exhibits.",
    )
    description = models.TextField(blank=True)
    translations = models.JSONField(default=dict, blank=True, validators=[TranslationsValidator(TRANSLATABLE_FIELDS)])
    graph_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Bumped whenever halls, exhibit positions or passages change."
    )
    catalogue_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Bumped whenever a hall, an exhibit or an exhibit's tags change."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save without writing the versions, which only their bumps change (atomically, in SQL).

        An admin form holding a stale copy would otherwise roll a version back to a value whose
        cached data (walking matrix, ranking inputs) no longer matches the venue.
        """
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.VERSION_FIELDS
            ]
        super().save(*args, **kwargs)

    @property
    def base_language(self) -> str:
        return self.default_language


class Hall(Translatable, GraphTracked, TimestampedModel):
    """A room or zone of a venue, on one floor."""

    TRANSLATABLE_FIELDS = ("name", "description")
    GRAPH_FIELDS = ("venue_id", "is_step_free")

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="halls")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, help_text="Unique within the venue.")
    floor = models.SmallIntegerField(default=0, help_text="0 = ground floor, negative = basement.")
    is_step_free = models.BooleanField(
        "step-free", default=True, help_text="Can be visited in a wheelchair or with a pram."
    )
    description = models.TextField(blank=True)
    translations = models.JSONField(default=dict, blank=True, validators=[TranslationsValidator(TRANSLATABLE_FIELDS)])

    class Meta:
        ordering = ["venue_id", "floor", "name"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "slug"], name="hall_slug_unique_per_venue"),
        ]
        indexes = [models.Index(fields=["venue", "floor"], name="hall_venue_floor_idx")]

    def __str__(self) -> str:
        return f"{self.name} (floor {self.floor})"

    @property
    def base_language(self) -> str:
        return self.venue.default_language

    def passages(self) -> "models.QuerySet[Passage]":
        """Passages on either side of this hall."""
        return Passage.objects.filter(Q(hall_a=self) | Q(hall_b=self))


class Tag(TimestampedModel):
    """A free-form theme used to filter the catalogue (`portrait`, `maritime`, ...)."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def reference_q(reference: str | int, *, prefix: str = "") -> Q:
    """Condition for a row given by primary key or slug, optionally through a relation (`prefix="hall__venue"`).

    Only ASCII digits make a primary key: `str.isdigit()` also accepts full-width and other Unicode
    digits, and `int()` of a full-width one is 1, which would otherwise open exhibit 1 instead of a slug.
    """
    text = str(reference).strip()
    is_pk = text.isascii() and text.isdigit()
    if prefix:
        return Q(**{f"{prefix}_id": int(text)}) if is_pk else Q(**{f"{prefix}__slug": text})
    return Q(pk=int(text)) if is_pk else Q(slug=text)


class ExhibitQuerySet(models.QuerySet["Exhibit"]):
    """Reusable catalogue reads."""

    def on_display(self) -> "ExhibitQuerySet":
        """Exhibits visitors can see now."""
        return self.filter(is_active=True)

    def for_venue(self, venue: int | str) -> "ExhibitQuerySet":
        """Exhibits of a venue given by primary key or slug."""
        return self.filter(reference_q(venue, prefix="hall__venue"))

    def search(self, text: str) -> "ExhibitQuerySet":
        """Exhibits whose title, creator, period or description contains `text` in any language."""
        # search_text is stored lower-cased because SQLite's LIKE only folds ASCII case (Cyrillic would not match).
        return self.filter(search_text__contains=text.strip().lower())

    def with_catalogue_relations(self) -> "ExhibitQuerySet":
        """Everything the catalogue serializers read, in a fixed number of queries."""
        return self.select_related("hall__venue").prefetch_related("tags")


class Exhibit(Translatable, GraphTracked, TimestampedModel):
    """A point of interest in a hall."""

    TRANSLATABLE_FIELDS = ("title", "description", "creator", "period", "image_alt")
    # Texts a catalogue search looks in (alt text describes the picture, not the exhibit).
    SEARCHED_FIELDS = ("title", "creator", "period", "description")
    GRAPH_FIELDS = ("hall_id", "position_x_m", "position_y_m")

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="exhibits")
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in QR codes: /visit/e/<slug>.")
    description = models.TextField(blank=True)
    creator = models.CharField(max_length=255, blank=True)
    period = models.CharField(max_length=120, blank=True, help_text="e.g. 1890s, 5th century BC.")
    image = models.ImageField(upload_to="exhibits/", blank=True)
    image_alt = models.CharField(
        "image alt text",
        max_length=300,
        blank=True,
        help_text="What the image shows, for visitors who cannot see it (screen readers). "
        "Describe the picture in a sentence or two; leave empty only when there is no image.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="exhibits")
    position_x_m = models.FloatField("x (m)", default=0.0, help_text="Metres from the floor plan's left edge.")
    position_y_m = models.FloatField("y (m)", default=0.0, help_text="Metres from the floor plan's top edge.")
    dwell_minutes = models.PositiveSmallIntegerField(default=3, help_text="How long a visitor typically stays.")
    expected_emotions = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_emotion_weights],
        help_text='Curators\' prior, e.g. {"surprise": 0.6, "happy": 0.3}; non-negative weights.',
    )
    is_active = models.BooleanField("on display", default=True)
    translations = models.JSONField(default=dict, blank=True, validators=[TranslationsValidator(TRANSLATABLE_FIELDS)])
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = ExhibitQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dwell_minutes__gt=0),
                name="exhibit_dwell_positive",
                violation_error_message="Typical dwell time must be at least one minute.",
            ),
            models.CheckConstraint(
                condition=Q(position_x_m__gte=0) & Q(position_y_m__gte=0),
                name="exhibit_position_on_plan",
                violation_error_message="Positions are metres from the floor plan's corner, never negative.",
            ),
        ]
        indexes = [
            # The catalogue lists active exhibits by title, per hall or over all halls.
            models.Index(fields=["is_active", "title"], name="exhibit_active_title_idx"),
            models.Index(fields=["hall", "is_active"], name="exhibit_hall_active_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def base_language(self) -> str:
        return self.hall.venue.default_language

    def public_url(self) -> str:
        """The visitor page this exhibit's QR label points at."""
        return f"{settings.PUBLIC_BASE_URL}{reverse('visit-exhibit', kwargs={'slug': self.slug})}"

    def build_search_text(self) -> str:
        """Lower-cased texts in every language, one per line, for `ExhibitQuerySet.search`."""
        parts = [str(getattr(self, field)) for field in self.SEARCHED_FIELDS]
        for texts in (self.translations or {}).values():
            if isinstance(texts, dict):
                parts.extend(str(texts.get(field, "")) for field in self.SEARCHED_FIELDS)
        return "\n".join(part for part in parts if part).lower()


class Passage(GraphTracked, TimestampedModel):
    """A walkable connection between two halls of a venue, usable in both directions.

    Door coordinates place each end on its hall's floor plan, so the walking time from an exhibit to
    the passage is the real distance to that door, not to the hall's centre. `walking_seconds` is the
    time spent in the passage itself (a corridor, a flight of stairs, a lift including its wait).
    """

    class Kind(models.TextChoices):
        DOOR = "door", "Door"
        CORRIDOR = "corridor", "Corridor"
        STAIRS = "stairs", "Stairs"
        RAMP = "ramp", "Ramp"
        LIFT = "lift", "Lift"
        ESCALATOR = "escalator", "Escalator"

    GRAPH_FIELDS = (
        "hall_a_id",
        "hall_b_id",
        "door_a_x_m",
        "door_a_y_m",
        "door_b_x_m",
        "door_b_y_m",
        "walking_seconds",
        "is_step_free",
    )

    hall_a = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="passages_a")
    hall_b = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="passages_b")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DOOR)
    door_a_x_m = models.FloatField("door in hall A, x (m)", default=0.0)
    door_a_y_m = models.FloatField("door in hall A, y (m)", default=0.0)
    door_b_x_m = models.FloatField("door in hall B, x (m)", default=0.0)
    door_b_y_m = models.FloatField("door in hall B, y (m)", default=0.0)
    walking_seconds = models.PositiveIntegerField(default=5, help_text="Time to pass from door A to door B.")
    is_step_free = models.BooleanField("step-free", default=True)

    class Meta:
        ordering = ["hall_a_id", "hall_b_id", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(hall_a=F("hall_b")),
                name="passage_not_to_itself",
                violation_error_message="A passage connects two different halls.",
            ),
            models.CheckConstraint(
                condition=Q(walking_seconds__gt=0),
                name="passage_walking_seconds_positive",
                violation_error_message="Walking time through a passage must be at least one second.",
            ),
            models.CheckConstraint(
                condition=Q(door_a_x_m__gte=0, door_a_y_m__gte=0, door_b_x_m__gte=0, door_b_y_m__gte=0),
                name="passage_doors_on_plan",
                violation_error_message="Door positions are metres from the floor plan's corner, never negative.",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["stairs", "escalator"], is_step_free=True),
                name="passage_stairs_not_step_free",
                violation_error_message="Stairs and escalators cannot be step-free.",
            ),
            # One passage of each kind per unordered pair of halls: A-B and B-A are the same passage.
            models.UniqueConstraint(
                Least("hall_a", "hall_b"),
                Greatest("hall_a", "hall_b"),
                F("kind"),
                name="passage_unique_pair_kind",
                violation_error_message="These halls already have a passage of this kind (in either direction).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hall_a.name} ↔ {self.hall_b.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        """Both halls must belong to the same venue."""
        super().clean()
        if self.hall_a_id and self.hall_b_id and self.hall_a.venue_id != self.hall_b.venue_id:
            raise ValidationError({"hall_b": "A passage connects halls of the same venue."})
