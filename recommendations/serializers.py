"""Input and output serializers of the recommendation and route endpoints (no business logic)."""

from typing import Any

from django.conf import settings
from rest_framework import serializers

from museum_guide.json_fields import NumberField, StrictBooleanField

EXPRESSIONS_NOTE = "Facial expressions the camera saw at this exhibit, not the emotions anyone felt."


class EmotionListField(serializers.ListField):
    """A list of emotion labels, also accepted as one comma-separated string."""

    child = serializers.CharField(max_length=32)

    def to_internal_value(self, data: Any) -> list[str]:
        if isinstance(data, str):
            data = [part for part in data.split(",") if part.strip()]
        result: list[str] = super().to_internal_value(data)
        return result


class RecommendationQuerySerializer(serializers.Serializer[Any]):
    """GET /recommendations/ query parameters."""

    from_exhibit = serializers.CharField(max_length=120, help_text="Exhibit id or slug where the visitor stands.")
    emotions = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Comma-separated labels of the active model; default: the visitor's desired emotions.",
    )
    limit = serializers.IntegerField(required=False, default=5, min_value=1, max_value=50)
    step_free = serializers.BooleanField(required=False, default=False)

    def validate_emotions(self, value: str) -> list[str]:
        return [part.strip() for part in value.split(",") if part.strip()]


class HallBriefSerializer(serializers.Serializer[Any]):
    """The hall of an exhibit, briefly."""

    id = serializers.IntegerField(source="hall_id")
    name = serializers.CharField(source="hall_name")
    floor = serializers.IntegerField()


class ExhibitBriefSerializer(serializers.Serializer[Any]):
    """An exhibit as listed in recommendations and routes."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    hall = HallBriefSerializer(source="*")


class RecommendationOutputSerializer(serializers.Serializer[Any]):
    """One recommended next exhibit."""

    exhibit = ExhibitBriefSerializer()
    score = serializers.FloatField()
    walking_minutes = serializers.FloatField()
    expected_emotions = serializers.DictField(child=serializers.FloatField(), help_text=EXPRESSIONS_NOTE)
    reason = serializers.CharField()
    personal_reason = serializers.CharField(
        help_text=(
            "What the visitor's own readings (their earlier selfies) changed for this exhibit: set when they moved "
            "it into the list or up it, naming the expression the visitor showed more often than most visitors "
            "where that was the cause; empty otherwise. In the visitor's language."
        )
    )


class RecommendationListOutputSerializer(serializers.Serializer[Any]):
    """GET /recommendations/ body: the ranked exhibits under `results`."""

    results = RecommendationOutputSerializer(many=True)


class RouteInputSerializer(serializers.Serializer[Any]):
    """POST /routes/ body."""

    start_exhibit = serializers.CharField(
        min_length=1, max_length=120, help_text="Exhibit id or slug where the route starts."
    )
    end_exhibit = serializers.CharField(max_length=120, required=False, allow_blank=True, allow_null=True)
    # Bounds in the field (not a validate_ method) so that the OpenAPI schema states them too.
    time_budget_minutes = NumberField(
        min_value=1,
        max_value=settings.ROUTE_MAX_BUDGET_MINUTES,
        help_text="Minutes available for walking and looking (1 to ROUTE_MAX_BUDGET_MINUTES, 720 by default).",
    )
    emotions = EmotionListField(required=False, allow_empty=True)
    step_free = StrictBooleanField(required=False, default=False)


class RouteStopOutputSerializer(serializers.Serializer[Any]):
    """One stop of a route."""

    exhibit = ExhibitBriefSerializer()
    arrival_minute = serializers.FloatField()
    dwell_minutes = serializers.FloatField()
    expected_emotions = serializers.DictField(child=serializers.FloatField(), help_text=EXPRESSIONS_NOTE)
    reason = serializers.CharField()


class RouteOutputSerializer(serializers.Serializer[Any]):
    """A planned route."""

    start_exhibit = ExhibitBriefSerializer(source="start")
    stops = RouteStopOutputSerializer(many=True)
    total_minutes = serializers.FloatField()
    walking_minutes = serializers.FloatField()
    score = serializers.FloatField(help_text="Expected number of stops showing a desired expression.")
    time_budget_minutes = serializers.FloatField()
    step_free = serializers.BooleanField()
