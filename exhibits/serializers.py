"""Catalogue output serializers. Texts are localized to the reader's languages (context["languages"])."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exhibits.extensions import EMPTY_EXHIBIT_STATS, ExhibitStats
from exhibits.models import Exhibit, Hall, Passage, Tag, Translatable, Venue


@extend_schema_field(OpenApiTypes.STR)
class LocalizedTextField(serializers.Field):
    """A translatable text field in the language the row was resolved to (see `LocalizedSerializer`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Translatable) -> str:
        parent = self.parent
        assert isinstance(parent, LocalizedSerializer)
        return value.text(str(self.field_name), parent.language_of(value))


class LocalizedSerializer(serializers.ModelSerializer):
    """Adds `language`: the language the row's texts are in (the first requested one it has, else its base)."""

    language = serializers.SerializerMethodField(help_text="Language of the texts in this object.")

    def language_of(self, obj: Translatable) -> str:
        """The language `obj` is rendered in for this request."""
        return obj.language_for(self.context.get("languages", ()))

    def get_language(self, obj: Translatable) -> str:
        return self.language_of(obj)


class VenueSerializer(LocalizedSerializer):
    """A venue of the catalogue."""

    name = LocalizedTextField()
    description = LocalizedTextField()
    available_languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    website = serializers.SerializerMethodField()

    class Meta:
        model = Venue
        fields = [
            "id",
            "slug",
            "name",
            "city",
            "address",
            "website",
            "time_zone",
            "default_language",
            "description",
            "available_languages",
            "language",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_website(self, venue: Venue) -> str | None:
        """The venue's web site, or null when it has none (never an empty string typed as a URI)."""
        return venue.website or None


class HallSerializer(LocalizedSerializer):
    """A hall of a venue."""

    name = LocalizedTextField()
    description = LocalizedTextField()
    venue_slug: "serializers.SlugRelatedField[Venue]" = serializers.SlugRelatedField(
        source="venue", slug_field="slug", read_only=True
    )

    class Meta:
        model = Hall
        fields = ["id", "venue", "venue_slug", "slug", "name", "description", "floor", "is_step_free", "language"]


class HallSummarySerializer(LocalizedSerializer):
    """The hall an exhibit stands in, as nested in exhibit responses."""

    name = LocalizedTextField()

    class Meta:
        model = Hall
        fields = ["id", "slug", "name", "floor", "is_step_free", "language"]


class ExhibitSerializer(LocalizedSerializer):
    """An exhibit in catalogue lists."""

    title = LocalizedTextField()
    description = LocalizedTextField()
    creator = LocalizedTextField()
    period = LocalizedTextField()
    hall = HallSummarySerializer(read_only=True)
    venue = serializers.IntegerField(source="hall.venue_id", read_only=True)
    tags: "serializers.SlugRelatedField[Tag]" = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug"
    )
    image = serializers.ImageField(read_only=True, use_url=True, allow_null=True)
    image_alt = LocalizedTextField(
        help_text="Text alternative of `image` for screen readers, in `language` (falling back to the base "
        "language); empty when none was written."
    )
    public_url = serializers.CharField(read_only=True, help_text="The visitor page the exhibit's QR code opens.")
    expected_emotions = serializers.DictField(
        child=serializers.FloatField(), read_only=True, help_text="Curators' prior {label: weight}."
    )

    class Meta:
        model = Exhibit
        fields = [
            "id",
            "slug",
            "title",
            "creator",
            "period",
            "description",
            "image",
            "image_alt",
            "tags",
            "venue",
            "hall",
            "position_x_m",
            "position_y_m",
            "dwell_minutes",
            "expected_emotions",
            "public_url",
            "language",
        ]


class ExhibitDetailSerializer(ExhibitSerializer):
    """One exhibit with its published emotion profile snapshot (context["exhibit_stats"])."""

    visitors = serializers.SerializerMethodField(
        help_text="Distinct visitors behind the published profile, rounded down to 5, 10, 20, 50, 100, 200, 500, "
        "1000 ...; 0 until at least REPORT_MIN_GROUP_SIZE visitors contributed."
    )
    visitor_emotions = serializers.SerializerMethodField(
        help_text="What visitors' faces showed here (expressed, not felt emotions): each visitor's mean score "
        "vector, averaged over visitors and rounded to 0.01. A snapshot: it changes only after at least "
        "REPORT_MIN_GROUP_SIZE new visitors. null until the first one."
    )
    emotion_profile = serializers.SerializerMethodField(
        help_text="The profile recommendations use: visitor_emotions blended with the curators' prior "
        "(expected_emotions), weighted by visitors; the prior alone before the first snapshot."
    )
    emotion_profile_published_at = serializers.SerializerMethodField(
        help_text="When visitor_emotions was published; null until the first snapshot."
    )

    class Meta(ExhibitSerializer.Meta):
        fields = [
            *ExhibitSerializer.Meta.fields,
            "visitors",
            "visitor_emotions",
            "emotion_profile",
            "emotion_profile_published_at",
        ]

    def _stats(self, obj: Exhibit) -> ExhibitStats:
        stats: dict[int, ExhibitStats] = self.context.get("exhibit_stats", {})
        return stats.get(obj.pk, EMPTY_EXHIBIT_STATS)

    def get_visitors(self, obj: Exhibit) -> int:
        return self._stats(obj).visitors

    @extend_schema_field(serializers.DictField(child=serializers.FloatField(), allow_null=True))
    def get_visitor_emotions(self, obj: Exhibit) -> dict[str, float] | None:
        shares = self._stats(obj).visitor_emotions
        return None if shares is None else dict(shares)

    @extend_schema_field(serializers.DictField(child=serializers.FloatField()))
    def get_emotion_profile(self, obj: Exhibit) -> dict[str, float]:
        return dict(self._stats(obj).emotion_profile)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_emotion_profile_published_at(self, obj: Exhibit) -> str | None:
        published = self._stats(obj).published_at
        return None if published is None else serializers.DateTimeField().to_representation(published)


class PlanBoxSerializer(serializers.Serializer[Any]):
    """A rectangle on the floor plan, in metres from its top-left corner."""

    x = serializers.FloatField()
    y = serializers.FloatField()
    width = serializers.FloatField()
    height = serializers.FloatField()


class PlanHallSerializer(serializers.Serializer[Any]):
    """A hall drawn as the box around its exhibits on display (null when it has none)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    is_step_free = serializers.BooleanField()
    box = PlanBoxSerializer(allow_null=True)


class PlanExhibitSerializer(serializers.Serializer[Any]):
    """An exhibit on display and where it stands (metres)."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    hall = serializers.IntegerField()
    x = serializers.FloatField()
    y = serializers.FloatField()


class PlanDoorSerializer(serializers.Serializer[Any]):
    """One end of a passage on this floor; stairs, lifts, ramps and escalators lead to `to_floor`."""

    passage = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Passage.Kind.choices)
    is_step_free = serializers.BooleanField()
    hall = serializers.IntegerField()
    to_hall = serializers.IntegerField()
    to_floor = serializers.IntegerField()
    x = serializers.FloatField()
    y = serializers.FloatField()


class FloorPlanSerializer(serializers.Serializer[Any]):
    """One floor of a venue: its extent in metres, halls, exhibits on display and passage ends."""

    floor = serializers.IntegerField(help_text="0 = ground floor, negative = basement.")
    width_m = serializers.FloatField()
    height_m = serializers.FloatField()
    halls = PlanHallSerializer(many=True)
    exhibits = PlanExhibitSerializer(many=True)
    doors = PlanDoorSerializer(many=True)


class VenueFloorPlansSerializer(serializers.Serializer[Any]):
    """GET /venues/{id}/floor-plan/: every floor of the venue, lowest first, texts in `language`."""

    venue = serializers.IntegerField()
    floors = FloorPlanSerializer(many=True)
