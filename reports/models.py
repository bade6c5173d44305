"""The report projection: one narrow row per emotion event, with the venue-local time precomputed.

Why a per-event projection and not an hourly rollup: at a real museum's density (200 exhibits,
~1M events a year) an exhibit x local-hour x label bucket holds about one event, so a rollup would be
as large as the events themselves; and distinct visitors are not additive over buckets anyway. What
makes reports fast is (a) local date/hour/weekday computed once, when the event arrives, in its
venue's time zone, so no query converts time zones per row; (b) hall and venue copied onto the row;
(c) one index per grouping key ordered by visitor, which lets PostgreSQL count distinct visitors
exactly with an index-only scan and no sort. See docs/BENCHMARKS.md.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage
from django.db import models

# Columns the covering indexes carry, so filtered reports never visit the table (PostgreSQL).
_FILTER_COLUMNS = ["local_date", "label", "exhibit", "hall", "venue"]


def _group_index(key: str, name: str) -> models.Index:
    return models.Index(
        fields=[key, "visitor_id"], name=name, include=[column for column in _FILTER_COLUMNS if column != key]
    )


class ReportEvent(models.Model):
    """One emotion event as the reports see it; created and deleted together with the event.

    The row dies with its event (CASCADE), so erasing a visitor erases their report rows in the same
    transaction and no report ever counts them again. Expressed (camera-observed) emotions only.
    """

    event = models.OneToOneField(
        "emotions.EmotionEvent", on_delete=models.CASCADE, primary_key=True, related_name="report_row"
    )
    # Copies of the catalogue placement; refreshed when an exhibit moves hall or a hall moves venue.
    exhibit = models.ForeignKey("exhibits.Exhibit", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    hall = models.ForeignKey("exhibits.Hall", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    venue = models.ForeignKey("exhibits.Venue", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    # Pseudonymous visitor id, used only to count distinct visitors; never shown.
    visitor_id = models.UUIDField()
    label = models.CharField(max_length=32)
    confidence = models.FloatField()
    # "server" or "device": where the face was read (EmotionEvent.source).
    source = models.CharField(max_length=8, default="server", db_default="server")
    # Secret random key of the event (museum_guide.disclosure.record_key): the sum over a cell's events
    # picks that cell's perturbation, so equal cells always show equal numbers. Never shown.
    cell_key = models.PositiveIntegerField(default=0, db_default=0)
    # The event's time in its venue's time zone (Venue.time_zone), not UTC and not the server's.
    local_date = models.DateField()
    local_hour = models.PositiveSmallIntegerField()
    # ISO weekday: 1 = Monday ... 7 = Sunday.
    local_weekday = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["event_id"]
        # The admin index lists this model as the link to the dashboard.
        verbose_name = "emotion dashboard"
        verbose_name_plural = "emotion dashboard"
        indexes = [
            _group_index("exhibit", "report_exhibit_visitor_idx"),
            _group_index("hall", "report_hall_visitor_idx"),
            _group_index("venue", "report_venue_visitor_idx"),
            _group_index("local_date", "report_date_visitor_idx"),
            _group_index("local_hour", "report_hour_visitor_idx"),
            _group_index("local_weekday", "report_weekday_visitor_idx"),
            # Erasure: which of a deleted row's rollup buckets still hold the visitor (reports.rollups).
            models.Index(fields=["visitor_id", "venue"], name="report_visitor_venue_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(local_hour__lte=23), name="report_local_hour_0_23"),
            models.CheckConstraint(
                condition=models.Q(local_weekday__gte=1, local_weekday__lte=7), name="report_weekday_1_7"
            ),
        ]

    def __str__(self) -> str:
        return f"Report row of event {self.event_id}"

    @classmethod
    def check(cls, **kwargs: Any) -> list[CheckMessage]:
        """Model checks, minus SQLite's note that it ignores INCLUDE columns (the key index still serves)."""
        return [message for message in super().check(**kwargs) if message.id != "models.W040"]


class ReportVisitorNumber(models.Model):
    """A small integer per visitor with report rows, so that rollups can hold sets of visitors as bitmaps.

    Deleted with the visitor's last report row (erasure), so no pseudonym outlives the visitor's events.
    """

    number = models.BigAutoField(primary_key=True)
    visitor_id = models.UUIDField(unique=True)

    def __str__(self) -> str:
        return f"Report visitor number {self.number}"


class RollupLevel(models.IntegerChoices):
    """Grains of the report rollups (reports.rollups): the coarsest one that has a query's columns serves it.

    Each also keeps label and source; the date ones keep the weekday (not the date x hour ones: no report
    groups by weekday and hour at once), the exhibit ones hall and venue, the hall ones venue. The week
    and month ones (no weekday) serve the whole weeks and months of a date range read at their date level.
    """

    EXHIBIT = 1, "exhibit"
    VENUE_HOUR = 2, "venue x local hour"
    VENUE_DAY = 3, "venue x local date"
    VENUE_DAY_HOUR = 4, "venue x local date x local hour"
    EXHIBIT_DAY = 5, "exhibit x local date"
    HALL_HOUR = 6, "hall x local hour"
    HALL_DAY = 7, "hall x local date"
    EXHIBIT_HOUR = 8, "exhibit x local hour"
    HALL_DAY_HOUR = 9, "hall x local date x local hour"
    # local_date holds the Monday of the venue-local week, the first of the month (reports.rollups.SPANS_OF).
    HALL_WEEK_HOUR = 10, "hall x local week x local hour"
    VENUE_WEEK_HOUR = 11, "venue x local week x local hour"
    EXHIBIT_WEEK = 12, "exhibit x local week"
    EXHIBIT_MONTH = 13, "exhibit x local month"
    HALL_MONTH = 14, "hall x local month"


class ReportRollup(models.Model):
    """Report rows pre-aggregated at one grain (PostgreSQL): counts, sums and the exact set of visitors.

    Kept equal to ReportEvent in the same transactions (reports.rollups): an event adds to one bucket
    per level, a deleted report row subtracts. `visitors` is a serialized Roaring bitmap of
    ReportVisitorNumber numbers, so distinct visitors of any union of buckets are counted exactly.
    Columns a level does not have are NULL.
    """

    bucket = models.CharField(max_length=96, primary_key=True)
    level = models.PositiveSmallIntegerField(choices=RollupLevel.choices)
    exhibit = models.ForeignKey(
        "exhibits.Exhibit", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    hall = models.ForeignKey(
        "exhibits.Hall", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    venue = models.ForeignKey("exhibits.Venue", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    local_date = models.DateField(null=True)
    local_hour = models.PositiveSmallIntegerField(null=True)
    local_weekday = models.PositiveSmallIntegerField(null=True)
    label = models.CharField(max_length=32)
    source = models.CharField(max_length=8)
    events = models.PositiveIntegerField()
    confidence_sum = models.FloatField()
    key_sum = models.BigIntegerField()
    visitors = models.BinaryField()

    class Meta:
        ordering = ["bucket"]
        indexes = [
            models.Index(fields=["level", "venue", "local_date"], name="rollup_level_venue_date_idx"),
            models.Index(fields=["level", "hall", "local_date"], name="rollup_level_hall_date_idx"),
            models.Index(fields=["level", "exhibit", "local_date"], name="rollup_level_exhibit_date_idx"),
        ]

    def __str__(self) -> str:
        return f"Report rollup {self.bucket}"
