"""Report rollups: report rows pre-aggregated at a few grains, kept exact in the writing transactions.

Why: a report must count distinct visitors per (group, emotion) cell (museum_guide.disclosure), and
counting them from one row per event costs a sort of every matching event (1.5 s at 1M events).
A rollup bucket holds, per level (models.RollupLevel), the events, confidence sum and cell-key sum of
its report rows, and the *exact set* of their visitors as a Roaring bitmap of small visitor numbers
(ReportVisitorNumber). A report unions the bitmaps of the buckets it covers and counts them, so every
number (counts, key sums and therefore the perturbation, distinct visitors and therefore every
suppression decision) equals what the per-event path computes; no sketch, nothing approximate.

Exactness: `rollups_add` runs in the transaction that writes the report row; `rollups_remove` in the
one that deletes it (erasure, exhibit removal: a post_delete receiver); bulk loads and placement changes
call `rollups_rebuild`. PostgreSQL only: other databases (the embedded SQLite default) read the
per-event projection, which gives the same numbers.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from psycopg2.extras import execute_values
from pyroaring import BitMap

from reports.models import ReportEvent, ReportRollup, ReportVisitorNumber, RollupLevel

logger = logging.getLogger(__name__)

# The columns each level keeps (besides label and source); derived columns (hall of an exhibit,
# weekday of a date) ride along so that filters and groupings on them need no join.
LEVEL_COLUMNS: dict[int, tuple[str, ...]] = {
    RollupLevel.EXHIBIT: ("exhibit_id", "hall_id", "venue_id"),
    RollupLevel.VENUE_HOUR: ("venue_id", "local_hour"),
    RollupLevel.VENUE_DAY: ("venue_id", "local_date", "local_weekday"),
    RollupLevel.VENUE_DAY_HOUR: ("venue_id", "local_date", "local_hour"),
    RollupLevel.EXHIBIT_DAY: ("exhibit_id", "hall_id", "venue_id", "local_date", "local_weekday"),
    RollupLevel.HALL_HOUR: ("hall_id", "venue_id", "local_hour"),
    RollupLevel.HALL_DAY: ("hall_id", "venue_id", "local_date", "local_weekday"),
    RollupLevel.EXHIBIT_HOUR: ("exhibit_id", "hall_id", "venue_id", "local_hour"),
    # Hours of one hall within a date range. Exhibit x date x hour would hold about one event per bucket
    # (as many buckets as events): hours of one exhibit within a date range read the report rows.
    RollupLevel.HALL_DAY_HOUR: ("hall_id", "venue_id", "local_date", "local_hour"),
    # local_date = the Monday of the week, the first of the month (see SPANS_OF).
    RollupLevel.VENUE_WEEK_HOUR: ("venue_id", "local_date", "local_hour"),
    RollupLevel.HALL_WEEK_HOUR: ("hall_id", "venue_id", "local_date", "local_hour"),
    RollupLevel.EXHIBIT_WEEK: ("exhibit_id", "hall_id", "venue_id", "local_date"),
    RollupLevel.EXHIBIT_MONTH: ("exhibit_id", "hall_id", "venue_id", "local_date"),
    RollupLevel.HALL_MONTH: ("hall_id", "venue_id", "local_date"),
}
# A long date range read at a date level: one bucket per day x hour x label is 5k buckets a month per hall
# or venue, one per exhibit x day x label 40k a month for all exhibits, and each costs a bitmap to read
# (~10 us: 300-450 ms CPU for a month at 1M events, 3 s for exhibits over 180 days). The whole spans of
# the range are read from coarser levels instead, coarsest first: whole months, then whole weeks of what
# is left, then the days around them from the day level (one bucket set per month, and around them at
# most 8 weeks and 24 days; a range without a whole month: at most 12 days). Exact all the same: the
# sets of buckets cover disjoint days, so the union of their bitmaps is the set of the range's visitors.
# Not for grouping by date or weekday (a span bucket has neither).
SPANS_OF: dict[int, tuple[int, ...]] = {
    RollupLevel.VENUE_DAY_HOUR: (RollupLevel.VENUE_WEEK_HOUR,),
    RollupLevel.HALL_DAY_HOUR: (RollupLevel.HALL_WEEK_HOUR,),
    RollupLevel.EXHIBIT_DAY: (RollupLevel.EXHIBIT_MONTH, RollupLevel.EXHIBIT_WEEK),
    # 70 buckets a day for all halls: whole months suffice (the days around them: at most ~4k buckets).
    RollupLevel.HALL_DAY: (RollupLevel.HALL_MONTH,),
}
_MONTH_LEVELS = frozenset({RollupLevel.EXHIBIT_MONTH, RollupLevel.HALL_MONTH})
# Fewest buckets first (200 exhibits in 10 halls of 2 venues, 180 days: 336, 420, 1.4k, 1.7k, 2.5k, 8.4k,
# 8.7k, 12.6k, 34k, 36k, 44k, 60k, 252k, 302k per label set and source): a query reads the first level that
# keeps all of its columns, never a span level (their local_date means the week or month).
LEVELS_BY_SIZE: tuple[int, ...] = (
    RollupLevel.VENUE_HOUR,
    RollupLevel.HALL_MONTH,
    RollupLevel.EXHIBIT,
    RollupLevel.HALL_HOUR,
    RollupLevel.VENUE_DAY,
    RollupLevel.EXHIBIT_MONTH,
    RollupLevel.VENUE_WEEK_HOUR,
    RollupLevel.HALL_DAY,
    RollupLevel.EXHIBIT_HOUR,
    RollupLevel.EXHIBIT_WEEK,
    RollupLevel.HALL_WEEK_HOUR,
    RollupLevel.VENUE_DAY_HOUR,
    RollupLevel.EXHIBIT_DAY,
    RollupLevel.HALL_DAY_HOUR,
)
_SPAN_LEVELS = frozenset(level for spans in SPANS_OF.values() for level in spans)
_ALL_COLUMNS = ("exhibit_id", "hall_id", "venue_id", "local_date", "local_hour", "local_weekday")
_INSERT_COLUMNS = (
    "bucket",
    "level",
    *_ALL_COLUMNS,
    "label",
    "source",
    "events",
    "confidence_sum",
    "key_sum",
    "visitors",
)


def rollups_enabled() -> bool:
    """Whether rollups are kept and read: PostgreSQL, unless settings.REPORT_ROLLUPS is off."""
    return connection.vendor == "postgresql" and bool(getattr(settings, "REPORT_ROLLUPS", True))


def _span_start(level: int, day: date) -> date:
    """The first day of the span of a span level (SPANS_OF) that holds the day: its Monday or its month's first."""
    if level in _MONTH_LEVELS:
        return day.replace(day=1)
    return day - timedelta(days=day.weekday())


def _next_span_start(level: int, start: date) -> date:
    """The first day of the span after the one starting on `start`."""
    if level in _MONTH_LEVELS:
        return (start + timedelta(days=31)).replace(day=1)
    return start + timedelta(days=7)


def _bucket_values(level: int, row: dict[str, Any]) -> tuple[Any, ...]:
    """(bucket, level, exhibit, hall, venue, date, hour, weekday, label, source) of a report row at a level."""
    kept = LEVEL_COLUMNS[level]
    values: list[Any] = [row[column] if column in kept else None for column in _ALL_COLUMNS]
    if level in _SPAN_LEVELS:
        values[3] = _span_start(level, values[3])
    exhibit, hall, venue, local_date, local_hour, _ = values
    parts = (exhibit, hall, venue, None if local_date is None else local_date.isoformat(), local_hour)
    bucket = "|".join((str(level), *("" if part is None else str(part) for part in parts), row["label"], row["source"]))
    return (bucket, level, *values, row["label"], row["source"])


def _row_dict(row: ReportEvent) -> dict[str, Any]:
    return {column: getattr(row, column) for column in (*_ALL_COLUMNS, "label", "source")}


def _buckets(row: dict[str, Any]) -> list[tuple[Any, ...]]:
    # Sorted by bucket: concurrent writers lock shared buckets in one order (no deadlocks).
    return sorted((_bucket_values(level, row) for level in LEVELS_BY_SIZE), key=lambda values: values[0])


def _visitor_number(cursor: Any, visitor_id: Any) -> int:
    """The visitor's number, created on their first report row (DO UPDATE so RETURNING always answers)."""
    table = ReportVisitorNumber._meta.db_table
    cursor.execute(
        f"""INSERT INTO {table} (visitor_id) VALUES (%s)
            ON CONFLICT (visitor_id) DO UPDATE SET visitor_id = EXCLUDED.visitor_id RETURNING number""",
        [visitor_id],
    )
    return int(cursor.fetchone()[0])


def _set_visitors(cursor: Any, updates: Sequence[tuple[str, bytes]]) -> None:
    if updates:
        execute_values(
            cursor,
            f"UPDATE {ReportRollup._meta.db_table} AS r SET visitors = v.visitors "
            "FROM (VALUES %s) AS v(bucket, visitors) WHERE r.bucket = v.bucket",
            [(bucket, blob) for bucket, blob in updates],
            template="(%s, %s::bytea)",
        )


def rollups_add(*, row: ReportEvent) -> None:
    """Add a new report row to its bucket at every level (in the row's transaction).

    Two or three statements: the visitor's number; one upsert of all buckets (counts and sums, and a
    lock on each); the bitmaps that did not hold the visitor yet.
    """
    table = ReportRollup._meta.db_table
    with connection.cursor() as cursor:
        number = _visitor_number(cursor, row.visitor_id)
        alone = BitMap([number]).serialize()
        rows = [(*values, 1, row.confidence, row.cell_key, alone) for values in _buckets(_row_dict(row))]
        returned = execute_values(
            cursor,
            f"""INSERT INTO {table} AS r ({", ".join(_INSERT_COLUMNS)}) VALUES %s
                ON CONFLICT (bucket) DO UPDATE SET events = r.events + 1,
                    confidence_sum = r.confidence_sum + EXCLUDED.confidence_sum, key_sum = r.key_sum + EXCLUDED.key_sum
                RETURNING r.bucket, r.xmax <> 0, CASE WHEN r.xmax <> 0 THEN r.visitors END""",
            rows,
            template="(" + ", ".join(["%s"] * (len(_INSERT_COLUMNS) - 1)) + ", %s::bytea)",
            fetch=True,
        )
        updates = []
        for bucket, existed, blob in returned:
            if not existed:
                continue
            visitors = BitMap.deserialize(bytes(blob))
            if number not in visitors:
                visitors.add(number)
                updates.append((bucket, visitors.serialize()))
        _set_visitors(cursor, updates)


def rollups_lock_visitor(*, visitor_id: Any) -> None:
    """Lock, in bucket order, every bucket holding the visitor's rows, before an erasure deletes them.

    The erasure then subtracts row after row from buckets it already holds, so it cannot deadlock with
    writers, which lock the buckets of their one event in the same order.
    """
    rows = ReportEvent.objects.filter(visitor_id=visitor_id).values(*_ALL_COLUMNS, "label", "source")
    buckets = sorted({bucket[0] for row in rows for bucket in _buckets(row)})
    if buckets:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {ReportRollup._meta.db_table} WHERE bucket = ANY(%s) ORDER BY bucket FOR UPDATE",
                [buckets],
            )


def rollups_remove(*, row: ReportEvent) -> None:
    """Take a deleted report row out of its buckets (in the deleting transaction, after the rows are gone).

    The visitor leaves a bucket's bitmap only when none of their remaining rows falls into it; a
    bucket left without events is deleted. (The visitor's number goes with the visitor: receivers.)
    """
    table = ReportRollup._meta.db_table
    values = _row_dict(row)
    buckets = [bucket[0] for bucket in _buckets(values)]
    with connection.cursor() as cursor:
        # Locks taken in bucket order, as writers take them (rollups_add), so the two cannot deadlock.
        cursor.execute(
            f"""UPDATE {table} AS r SET events = r.events - 1, confidence_sum = r.confidence_sum - %s,
                    key_sum = r.key_sum - %s
                FROM (SELECT bucket FROM {table} WHERE bucket = ANY(%s) ORDER BY bucket FOR UPDATE) AS locked
                WHERE r.bucket = locked.bucket RETURNING r.bucket, r.events, r.visitors""",
            [row.confidence, row.cell_key, buckets],
        )
        changed = cursor.fetchall()
        remaining = ReportEvent.objects.filter(
            visitor_id=row.visitor_id, venue_id=row.venue_id, label=row.label, source=row.source
        ).values(*_ALL_COLUMNS, "label", "source")
        still_in = {bucket[0] for other in remaining for bucket in _buckets(other)}
        number = ReportVisitorNumber.objects.filter(visitor_id=row.visitor_id).values_list("number", flat=True).first()
        empty, updates = [], []
        for bucket, events, blob in changed:
            if events <= 0:
                empty.append(bucket)
            elif bucket not in still_in and number is not None:
                visitors = BitMap.deserialize(bytes(blob))
                visitors.discard(number)
                updates.append((bucket, visitors.serialize()))
        if empty:
            cursor.execute(f"DELETE FROM {table} WHERE bucket = ANY(%s) AND events <= 0", [empty])
        _set_visitors(cursor, updates)


@transaction.atomic
def rollups_rebuild(*, venue_ids: Iterable[int] | None = None, levels: Iterable[int] | None = None) -> int:
    """Recompute the buckets of the given venues (or all) at the given levels (or all); returns buckets written.

    After bulk loads and placement changes (reports.services), and to fill a new level (a migration).
    Writers of new events wait on the table lock, so no event is counted twice or lost while this runs.
    """
    table, numbers, events = (
        ReportRollup._meta.db_table,
        ReportVisitorNumber._meta.db_table,
        ReportEvent._meta.db_table,
    )
    ids = None if venue_ids is None else sorted(set(venue_ids))
    chosen = LEVELS_BY_SIZE if levels is None else tuple(level for level in LEVELS_BY_SIZE if level in set(levels))
    where, params = ("", []) if ids is None else ("WHERE e.venue_id = ANY(%s)", [ids])
    stale, stale_params = ["TRUE"], list[Any]()
    if ids is not None:
        stale.append("r.venue_id = ANY(%s)")
        stale_params.append(ids)
    if levels is not None:
        stale.append("r.level = ANY(%s)")
        stale_params.append([int(level) for level in chosen])
    written = 0
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table} r WHERE {' AND '.join(stale)}", stale_params)
        cursor.execute(
            f"INSERT INTO {numbers} (visitor_id) SELECT DISTINCT e.visitor_id FROM {events} e {where} "
            "ON CONFLICT (visitor_id) DO NOTHING",
            params,
        )
        if ids is None:
            cursor.execute(
                f"DELETE FROM {numbers} n WHERE NOT EXISTS (SELECT 1 FROM {events} e WHERE e.visitor_id = n.visitor_id)"
            )
        for level in chosen:
            kept = LEVEL_COLUMNS[level]
            keys = ", ".join(
                _span_start_sql(level) if column == "local_date" and level in _SPAN_LEVELS else f"e.{column}"
                for column in (*kept, "label", "source")
            )
            cursor.execute(
                f"""SELECT {keys}, count(*), sum(e.confidence), sum(e.cell_key), array_agg(DISTINCT n.number)
                    FROM {events} e JOIN {numbers} n ON n.visitor_id = e.visitor_id {where}
                    GROUP BY {keys}""",
                params,
            )
            batch = []
            for record in cursor.fetchall():
                row = dict(zip((*kept, "label", "source"), record, strict=False))
                count, confidence_sum, key_sum, members = record[len(kept) + 2 :]
                batch.append((*_bucket_values(level, row), count, confidence_sum, key_sum, BitMap(members).serialize()))
            with connection.cursor() as writer:
                execute_values(
                    writer,
                    f"INSERT INTO {table} ({', '.join(_INSERT_COLUMNS)}) VALUES %s",
                    batch,
                    template="(" + ", ".join(["%s"] * (len(_INSERT_COLUMNS) - 1)) + ", %s::bytea)",
                    page_size=2000,
                )
            written += len(batch)
    logger.info(
        "report rollups rebuilt: %d buckets (venues: %s, levels: %s)",
        written,
        "all" if ids is None else len(ids),
        "all" if levels is None else ", ".join(str(level) for level in chosen),
    )
    return written


def _span_start_sql(level: int) -> str:
    """_span_start in SQL, by date arithmetic only (date_trunc would go through a timestamp in the session's
    time zone)."""
    if level in _MONTH_LEVELS:
        return "e.local_date - (EXTRACT(DAY FROM e.local_date)::int - 1)"
    return "e.local_date - (EXTRACT(ISODOW FROM e.local_date)::int - 1)"


def rollup_level(columns: Iterable[str]) -> int | None:
    """The level with the fewest buckets that keeps all these columns; None if none does."""
    needed = set(columns)
    return next(
        (level for level in LEVELS_BY_SIZE if level not in _SPAN_LEVELS and needed <= set(LEVEL_COLUMNS[level])), None
    )


def _date_condition(
    level: int, column: str, filter_columns: Iterable[str], date_from: date | None, date_to: date | None
) -> Q:
    """Buckets of the level within the dates; the range's whole spans from the level's span levels if it has any.

    The span levels serve only if they keep the grouping column and every filter column but the date (so
    not a grouping by date or weekday).
    """
    spans = SPANS_OF.get(level, ())
    kept = {*LEVEL_COLUMNS[spans[0]], "label", "source"} - {"local_date"} if spans else set()
    if not {column, *filter_columns} - {"local_date"} <= kept or column == "local_date":
        spans = ()
    return _spans_condition(level, spans, date_from, date_to)


def _spans_condition(level: int, spans: Sequence[int], date_from: date | None, date_to: date | None) -> Q:
    """[date_from, date_to] (None: unbounded) as whole spans of spans[0], the rest of it from the finer levels.

    A span (first day s, next span's first day n) is whole when date_from <= s and n - 1 <= date_to; an
    open end takes every span on that side. The days before the first and after the last whole span go
    to spans[1:], and at last to the day level.
    """
    if not spans or (date_from is None and date_to is None):
        days = Q(level=level)
        if date_from is not None:
            days &= Q(local_date__gte=date_from)
        if date_to is not None:
            days &= Q(local_date__lte=date_to)
        return days
    span, finer = spans[0], spans[1:]
    # Whole spans: first <= s < end (None: unbounded).
    first = None
    if date_from is not None:
        start = _span_start(span, date_from)
        first = start if start == date_from else _next_span_start(span, start)
    end = None if date_to is None else _span_start(span, date_to + timedelta(days=1))
    if first is not None and end is not None and first >= end:
        return _spans_condition(level, finer, date_from, date_to)
    whole = Q(level=span)
    parts = []
    if first is not None:
        whole &= Q(local_date__gte=first)
        if date_from is not None and date_from < first:
            parts.append(_spans_condition(level, finer, date_from, first - timedelta(days=1)))
    if end is not None:
        whole &= Q(local_date__lt=end)
        if date_to is not None and end <= date_to:
            parts.append(_spans_condition(level, finer, end, date_to))
    return reduce(or_, parts, whole)


@dataclass(frozen=True)
class Cell:
    """One (group, label) cell of a report: events, confidence sum, key sum, exact distinct visitors."""

    events: int
    confidence_sum: float
    key_sum: int
    visitors: int


def rollup_cells(
    *,
    column: str,
    filter_columns: Iterable[str],
    q: Any,
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[dict[Any, dict[str, Cell]], dict[Any, int]] | None:
    """Per group and label the cell, and per group the distinct visitors; None if no level has the columns.

    `q` is the report's filter without its dates (ReportFilters.as_q: the rollup has the same column
    names); the dates come apart, since whole weeks or months may be read from other levels (SPANS_OF).
    """
    filter_columns = tuple(filter_columns)
    level = rollup_level([column, *filter_columns])
    if level is None:
        return None
    sums: dict[Any, dict[str, list[Any]]] = defaultdict(dict)
    rows = (
        ReportRollup.objects.filter(q)
        .filter(_date_condition(level, column, filter_columns, date_from, date_to))
        .values_list(column, "label", "events", "confidence_sum", "key_sum", "visitors")
        .order_by()
    )
    # Straight through the cursor: the ORM's per-row conversions cost more than the unions on small buckets.
    sql, params = rows.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT compilation costs more than it saves on these short scans.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        for key, label, events, confidence_sum, key_sum, blob in cursor.fetchall():
            cell = sums[key].get(label)
            bitmap = BitMap.deserialize(bytes(blob))
            if cell is None:
                sums[key][label] = [events, confidence_sum, key_sum, [bitmap]]
            else:
                cell[0] += events
                cell[1] += confidence_sum
                cell[2] += key_sum
                cell[3].append(bitmap)
    cells: dict[Any, dict[str, Cell]] = {}
    visitors: dict[Any, int] = {}
    for key, labels in sums.items():
        unions = {label: BitMap.union(*cell[3]) if len(cell[3]) > 1 else cell[3][0] for label, cell in labels.items()}
        cells[key] = {
            label: Cell(int(cell[0]), float(cell[1]), int(cell[2]), len(unions[label]))
            for label, cell in labels.items()
        }
        visitors[key] = len(BitMap.union(*unions.values())) if len(unions) > 1 else len(next(iter(unions.values())))
    return cells, visitors
