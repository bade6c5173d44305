"""Reads of the reports app: emotion reports grouped by place or by venue-local time.

Every number here counts *expressed* emotions (facial expressions the camera saw), not felt ones.
What may be shown is decided by museum_guide.disclosure: groups with fewer distinct visitors than the
minimum group size appear, marked, with no numbers at all (five selfies of one visitor are still one
person); small emotion cells are withheld with a complementary cell; counts carry a small
deterministic perturbation so that differences of overlapping reports reveal no small group.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet, Sum

from exhibits.models import Exhibit, Hall, Venue
from museum_guide import disclosure
from reports import rollups
from reports.models import ReportEvent

GroupBy = Literal["exhibit", "hall", "venue", "day", "hour", "weekday"]
GROUP_BY_CHOICES: tuple[GroupBy, ...] = ("exhibit", "hall", "venue", "day", "hour", "weekday")
_GROUP_COLUMNS: dict[str, str] = {
    "exhibit": "exhibit_id",
    "hall": "hall_id",
    "venue": "venue_id",
    "day": "local_date",
    "hour": "local_hour",
    "weekday": "local_weekday",
}
# Shares are rounded once here, so JSON, CSV and charts show the very same numbers.
DECIMALS = 4


@dataclass(frozen=True)
class ReportFilters:
    """Filters every report accepts; all given ones apply together (AND). Dates are venue-local days."""

    date_from: date | None = None
    date_to: date | None = None
    venue: int | None = None
    hall: int | None = None
    exhibit: int | None = None
    emotion: str | None = None
    source: str | None = None  # "server" or "device": where faces were read

    def as_q(self) -> Q:
        """The filters as a condition on report rows."""
        q = Q()
        if self.date_from is not None:
            q &= Q(local_date__gte=self.date_from)
        if self.date_to is not None:
            q &= Q(local_date__lte=self.date_to)
        if self.venue is not None:
            q &= Q(venue_id=self.venue)
        if self.hall is not None:
            q &= Q(hall_id=self.hall)
        if self.exhibit is not None:
            q &= Q(exhibit_id=self.exhibit)
        if self.emotion:
            q &= Q(label=self.emotion)
        if self.source:
            q &= Q(source=self.source)
        return q

    def columns(self) -> set[str]:
        """The report-row columns the given filters read (the rollup level must keep them)."""
        used = {
            "local_date": self.date_from is not None or self.date_to is not None,
            "venue_id": self.venue is not None,
            "hall_id": self.hall is not None,
            "exhibit_id": self.exhibit is not None,
            "label": bool(self.emotion),
        }
        return {column for column, given in used.items() if given}


@dataclass(frozen=True)
class EmotionCount:
    """Events of one emotion in a group and their share of the group's events; None where withheld."""

    count: int | None
    share: float | None


@dataclass(frozen=True)
class ReportGroup:
    """One row of a report; a suppressed group carries its key and name only."""

    key: int | str
    name: str
    suppressed: bool
    events: int | None = None
    visitors: int | None = None
    mean_confidence: float | None = None
    emotions: dict[str, EmotionCount] | None = None


@dataclass(frozen=True)
class EmotionReport:
    """Groups of a report in display order, with the label set and threshold it was made with."""

    group_by: str
    labels: tuple[str, ...]
    min_group_size: int
    filters: ReportFilters
    groups: list[ReportGroup] = field(default_factory=list)


@dataclass(frozen=True)
class TopExhibit:
    """An exhibit ranked by the share of one emotion among its events."""

    rank: int
    exhibit: int
    name: str
    events: int
    visitors: int
    count: int
    share: float
    mean_confidence: float


@dataclass(frozen=True)
class TopExhibitsReport:
    """The ranking, and how many exhibits were left out because too few visitors contributed to them."""

    emotion: str
    min_group_size: int
    exhibits: list[TopExhibit]
    suppressed_exhibits: int


def _group_names(group_by: str, keys: Sequence[Any]) -> dict[Any, str]:
    if group_by == "exhibit":
        return dict(Exhibit.objects.filter(pk__in=keys).values_list("pk", "title"))
    if group_by == "hall":
        return {
            pk: f"{name} ({venue})"
            for pk, name, venue in Hall.objects.filter(pk__in=keys).values_list("pk", "name", "venue__name")
        }
    if group_by == "venue":
        return dict(Venue.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group_by == "day":
        return {key: key.isoformat() for key in keys}
    if group_by == "hour":
        return {key: f"{key:02d}:00" for key in keys}
    return {key: calendar.day_name[key - 1] for key in keys}


# One (group, emotion) cell: events, confidence sum, key sum, distinct visitors (same from either path).
_Cell = rollups.Cell


def _cells(rows: QuerySet[ReportEvent], column: str) -> dict[Any, dict[str, _Cell]]:
    """Per group and label: events, confidence sum, key sum and distinct visitors (one query)."""
    cells: dict[Any, dict[str, _Cell]] = defaultdict(dict)
    for key, label, count, confidence_sum, key_sum, visitors in (
        rows.values(column, "label")
        .annotate(
            n=Count("pk"),
            confidence_sum=Sum("confidence"),
            key_sum=Sum("cell_key"),
            v=Count("visitor_id", distinct=True),
        )
        .values_list(column, "label", "n", "confidence_sum", "key_sum", "v")
        .order_by()
    ):
        cells[key][label] = _Cell(int(count), float(confidence_sum), int(key_sum), int(visitors))
    return cells


def _distinct_visitors(rows: QuerySet[ReportEvent], column: str) -> dict[Any, int]:
    """Per group: distinct visitors (not additive over labels, hence a query of its own)."""
    return dict(rows.values(column).annotate(v=Count("visitor_id", distinct=True)).values_list(column, "v").order_by())


def _distinct_visitors_postgresql(rows: QuerySet[ReportEvent], column: str) -> dict[Any, int]:
    """Distinct visitors per group, read in (key, visitor) index order without sorting.

    COUNT(DISTINCT) sorts every group's visitor ids although the covering index already yields them
    in order; DISTINCT (key, visitor) over that index is a streaming Unique instead (measured on
    1M events: 498 -> 329 ms for halls, 502 -> 284 ms for weekdays). Hash aggregation is switched off
    for this one query because the planner otherwise hashes ~600k pairs, which is slower still.
    """
    pairs_sql, params = rows.values_list(column, "visitor_id").distinct().order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashagg = off")
        cursor.execute(f"SELECT k, count(*) FROM ({pairs_sql}) AS pairs(k, v) GROUP BY k", params)
        result = {key: int(n) for key, n in cursor.fetchall()}
        cursor.execute("SET LOCAL enable_hashagg = on")
    return result


def _aggregate(scope: ReportFilters, column: str) -> tuple[dict[Any, dict[str, _Cell]], dict[Any, int]]:
    """Cells and distinct visitors per group: from the rollups where a level serves, else from the report rows.

    Both give the very same numbers (tests/reports/test_rollups.py); the rollups cost a scan of
    pre-aggregated buckets instead of a sort of every matching event.
    """
    if rollups.rollups_enabled():
        found = rollups.rollup_cells(
            column=column,
            filter_columns=scope.columns(),
            q=replace(scope, date_from=None, date_to=None).as_q(),
            date_from=scope.date_from,
            date_to=scope.date_to,
        )
        if found is not None:
            return found
    return _run_aggregate(ReportEvent.objects.filter(scope.as_q()), column)


def _run_aggregate(rows: QuerySet[ReportEvent], column: str) -> tuple[dict[Any, dict[str, _Cell]], dict[Any, int]]:
    if connection.vendor != "postgresql":
        return _cells(rows, column), _distinct_visitors(rows, column)
    # JIT compilation costs more than it saves on these short scans (measured: +20-100 ms per query).
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        return _cells(rows, column), _distinct_visitors_postgresql(rows, column)


def _shown_group(
    key: int | str, name: str, cells: dict[str, _Cell], visitors: int, labels: Sequence[str], k: int
) -> ReportGroup:
    """A group with at least k visitors: perturbed counts, withheld small cells (museum_guide.disclosure)."""
    withheld = disclosure.withheld_cells({label: cell.visitors for label, cell in cells.items()}, k)
    key_sum = sum(cell.key_sum for cell in cells.values())
    raw_events = sum(cell.events for cell in cells.values())
    events = disclosure.perturbed(raw_events, key_sum)
    emotions = {}
    for label in labels:
        cell = cells.get(label)
        if label in withheld:
            emotions[label] = EmotionCount(count=None, share=None)
            continue
        count = 0 if cell is None else disclosure.perturbed(cell.events, cell.key_sum)
        emotions[label] = EmotionCount(count=count, share=round(count / events, DECIMALS) if events else 0.0)
    return ReportGroup(
        key=key,
        name=name,
        suppressed=False,
        events=events,
        visitors=disclosure.perturbed(visitors, key_sum, salt=1),
        mean_confidence=round(sum(cell.confidence_sum for cell in cells.values()) / raw_events, 2),
        emotions=emotions,
    )


def _emotion_group(
    key: int | str, name: str, cells: dict[str, _Cell], emotion: str, labels: Sequence[str], k: int
) -> ReportGroup:
    """A group under an emotion filter: exactly the group's cell of that emotion, shown only where the cell is.

    Deriving it from the unfiltered group (rather than counting the filtered rows afresh) is what makes
    "unfiltered minus ?emotion=X" reveal nothing: both reads show the same perturbed count, or neither does.
    """
    withheld = disclosure.withheld_cells({label: cell.visitors for label, cell in cells.items()}, k)
    cell = cells[emotion]
    if emotion in withheld:
        return ReportGroup(key=key, name=name, suppressed=True)
    count = disclosure.perturbed(cell.events, cell.key_sum)
    return ReportGroup(
        key=key,
        name=name,
        suppressed=False,
        events=count,
        visitors=disclosure.perturbed(cell.visitors, cell.key_sum, salt=1),
        mean_confidence=round(cell.confidence_sum / cell.events, 2),
        emotions={
            label: EmotionCount(count=count if label == emotion else 0, share=1.0 if label == emotion else 0.0)
            for label in labels
        },
    )


def emotion_report(
    *, group_by: str, filters: ReportFilters, labels: Sequence[str], min_size: int | None = None
) -> EmotionReport:
    """Events, distinct visitors, mean confidence and count/share per emotion for each group.

    Every number passes museum_guide.disclosure: groups of fewer than k distinct visitors are
    suppressed, small emotion cells are withheld with a complementary one, and counts are perturbed.
    """
    column = _GROUP_COLUMNS[group_by]
    threshold = disclosure.min_group_size() if min_size is None else min_size
    # The emotion filter selects a cell of the whole group (see _emotion_group), so rows are not narrowed by it.
    scope = replace(filters, emotion=None)
    per_group, visitors = _aggregate(scope, column)
    if filters.emotion:
        per_group = {key: cells for key, cells in per_group.items() if filters.emotion in cells}
    names = _group_names(group_by, list(per_group))
    groups = []
    for key, cells in per_group.items():
        public_key = key.isoformat() if isinstance(key, date) else key
        name = names.get(key, str(public_key))
        if visitors.get(key, 0) < threshold:
            groups.append(ReportGroup(key=public_key, name=name, suppressed=True))
        elif filters.emotion:
            groups.append(_emotion_group(public_key, name, cells, filters.emotion, labels, threshold))
        else:
            groups.append(_shown_group(public_key, name, cells, visitors[key], labels, threshold))
    if group_by in ("exhibit", "hall", "venue"):
        groups.sort(key=lambda group: (group.name.casefold(), str(group.key)))
    else:
        groups.sort(key=lambda group: group.key)
    return EmotionReport(
        group_by=group_by, labels=tuple(labels), min_group_size=threshold, filters=filters, groups=groups
    )


def top_exhibits(
    *, emotion: str, filters: ReportFilters, labels: Sequence[str], limit: int = 10, min_size: int | None = None
) -> TopExhibitsReport:
    """Exhibits with the highest share of `emotion` among their events; suppressed exhibits are not ranked."""
    # The share needs all of an exhibit's events, so an emotion filter must not narrow the rows.
    scope = replace(filters, emotion=None, exhibit=None)
    report = emotion_report(group_by="exhibit", filters=scope, labels=labels, min_size=min_size)
    # An exhibit whose cell of this emotion is withheld cannot be ranked by it: it counts as suppressed.
    shown = [
        (group, group.emotions[emotion])
        for group in report.groups
        if not group.suppressed and group.emotions is not None and group.emotions[emotion].count is not None
    ]
    shown.sort(key=lambda item: (-(item[1].share or 0.0), -(item[1].count or 0), item[0].name.casefold()))
    ranked = [
        TopExhibit(
            rank=rank,
            exhibit=int(group.key),
            name=group.name,
            events=group.events or 0,
            visitors=group.visitors or 0,
            count=cell.count or 0,
            share=cell.share or 0.0,
            mean_confidence=group.mean_confidence or 0.0,
        )
        for rank, (group, cell) in enumerate(shown[:limit], start=1)
    ]
    return TopExhibitsReport(
        emotion=emotion,
        min_group_size=report.min_group_size,
        exhibits=ranked,
        suppressed_exhibits=len(report.groups) - len(shown),
    )
