"""Input and output serializers of the report endpoints (no business logic here)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from exhibits.models import Exhibit, Hall, Venue
from reports.selectors import GROUP_BY_CHOICES, ReportFilters

EXPRESSED_NOT_FELT = (
    "Counts of expressed emotions: facial expressions the camera saw, not what visitors felt. "
    "Days, hours and weekdays are in each venue's own time zone. So that nobody can be singled out, groups with "
    "fewer distinct visitors than min_group_size are suppressed (no numbers), an emotion seen on fewer than "
    "min_group_size visitors is withheld (null) together with one more emotion of its group, and every count "
    "is perturbed by at most 2 (the same group always shows the same numbers); shares are computed from the "
    "perturbed counts."
)


class ReportFiltersInputSerializer(serializers.Serializer[Any]):
    """Filters shared by all reports; every given filter applies (AND)."""

    date_from = serializers.DateField(required=False, help_text="First venue-local day included (YYYY-MM-DD).")
    date_to = serializers.DateField(required=False, help_text="Last venue-local day included (YYYY-MM-DD).")
    venue = serializers.PrimaryKeyRelatedField(queryset=Venue.objects.all(), required=False)
    hall = serializers.PrimaryKeyRelatedField(queryset=Hall.objects.all(), required=False)
    # A field named like DRF's Field.source: the serializer metaclass takes it out of the class, the stubs do not.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=["server", "device"],
        required=False,
        help_text="Only faces read on the server (uploaded photos) or on visitors' phones (on-device mode).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        date_from, date_to = attrs.get("date_from"), attrs.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise serializers.ValidationError(
                {"date_to": "date_to must not be before date_from."}, code="invalid_date_range"
            )
        return attrs

    def _emotion_check(self, value: str) -> str:
        labels = self.context["labels"]
        if value not in labels:
            raise serializers.ValidationError(
                f"Unknown emotion {value!r}; the model knows {', '.join(labels)}.", code="unknown_emotion"
            )
        return value

    def filters(self) -> ReportFilters:
        """The validated filters."""
        data = self.validated_data
        return ReportFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            venue=data["venue"].pk if data.get("venue") else None,
            hall=data["hall"].pk if data.get("hall") else None,
            exhibit=data["exhibit"].pk if data.get("exhibit") else None,
            emotion=data.get("emotion") or None,
            source=data.get("source") or None,
        )


class EmotionReportInputSerializer(ReportFiltersInputSerializer):
    """Query parameters of GET /reports/emotions/."""

    group_by = serializers.ChoiceField(choices=GROUP_BY_CHOICES, default="exhibit")
    exhibit = serializers.PrimaryKeyRelatedField(queryset=Exhibit.objects.all(), required=False)
    emotion = serializers.CharField(required=False, help_text="Only events of this expressed emotion.")

    def validate_emotion(self, value: str) -> str:
        return self._emotion_check(value)


class TopExhibitsInputSerializer(ReportFiltersInputSerializer):
    """Query parameters of GET /reports/top-exhibits/."""

    emotion = serializers.CharField(help_text="Rank exhibits by the share of this expressed emotion.")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)

    def validate_emotion(self, value: str) -> str:
        return self._emotion_check(value)


class EmotionCountOutputSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(allow_null=True, help_text="Perturbed by at most 2; null where withheld.")
    share = serializers.FloatField(allow_null=True, help_text="count / events of the group; null where withheld.")


class ReportGroupOutputSerializer(serializers.Serializer[Any]):
    key = serializers.JSONField(help_text="Exhibit/hall/venue id, ISO date, hour 0-23 or ISO weekday 1-7.")
    name = serializers.CharField()
    suppressed = serializers.BooleanField(
        help_text="Fewer distinct visitors than min_group_size: all numbers are withheld (null)."
    )
    events = serializers.IntegerField(allow_null=True, help_text="Perturbed by at most 2.")
    visitors = serializers.IntegerField(allow_null=True, help_text="Distinct visitors, perturbed by at most 2.")
    mean_confidence = serializers.FloatField(allow_null=True)
    emotions = serializers.DictField(child=EmotionCountOutputSerializer(), allow_null=True)


class EmotionReportOutputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(default=EXPRESSED_NOT_FELT)
    group_by = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField())
    min_group_size = serializers.IntegerField()
    groups = ReportGroupOutputSerializer(many=True)


class TopExhibitOutputSerializer(serializers.Serializer[Any]):
    rank = serializers.IntegerField()
    exhibit = serializers.IntegerField()
    name = serializers.CharField()
    events = serializers.IntegerField()
    visitors = serializers.IntegerField()
    count = serializers.IntegerField()
    share = serializers.FloatField()
    mean_confidence = serializers.FloatField()


class TopExhibitsOutputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(default=EXPRESSED_NOT_FELT)
    emotion = serializers.CharField()
    min_group_size = serializers.IntegerField()
    suppressed_exhibits = serializers.IntegerField(
        help_text="Exhibits not ranked because too few visitors contributed to them or to this emotion there."
    )
    exhibits = TopExhibitOutputSerializer(many=True)
