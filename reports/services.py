"""Writes of the reports app: keeping the report projection equal to the emotion events."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from emotions.models import EmotionEvent
from exhibits.models import Exhibit, Hall, Venue
from museum_guide.disclosure import record_key, record_key_prefix
from reports.models import ReportEvent
from reports.rollups import rollups_add, rollups_enabled, rollups_rebuild

logger = logging.getLogger(__name__)

REBUILD_BATCH_SIZE = 5000


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local_parts(moment: datetime, time_zone: str) -> tuple[datetime, int, int]:
    local = moment.astimezone(_zone(time_zone))
    return local, local.hour, local.isoweekday()


def _report_row(event: EmotionEvent, exhibit: Exhibit, prefix: str) -> ReportEvent:
    venue = exhibit.hall.venue
    local, hour, weekday = _local_parts(event.created_at, venue.time_zone)
    return ReportEvent(
        event_id=event.pk,
        exhibit_id=exhibit.pk,
        hall_id=exhibit.hall_id,
        venue_id=venue.pk,
        visitor_id=event.visitor_id,
        label=event.label,
        confidence=event.confidence,
        source=event.source,
        cell_key=record_key(event.pk, prefix),
        local_date=local.date(),
        local_hour=hour,
        local_weekday=weekday,
    )


def report_event_record(*, event: EmotionEvent) -> ReportEvent:
    """Add one new event to the reports (runs in the event's transaction, so a rollback drops both)."""
    exhibit = Exhibit.objects.select_related("hall__venue").get(pk=event.exhibit_id)
    row = _report_row(event, exhibit, record_key_prefix())
    row.save(force_insert=True)
    if rollups_enabled():
        rollups_add(row=row)
    return row


@transaction.atomic
def report_events_rebuild(*, exhibit_ids: Iterable[int] | None = None) -> int:
    """Recompute report rows from the events (all, or the given exhibits'); returns rows written.

    Needed after bulk loads that send no signals (`bulk_create`, SQL imports) and after a venue's
    time zone or an exhibit's placement changed. PostgreSQL converts time zones in one SQL
    statement; other databases go through Python in batches.
    """
    ids = None if exhibit_ids is None else sorted(set(exhibit_ids))
    stale = ReportEvent.objects.all() if ids is None else ReportEvent.objects.filter(exhibit_id__in=ids)
    venues = set(stale.values_list("venue_id", flat=True).distinct())
    # One DELETE without per-row signals: the rollups of the venues concerned are rebuilt below instead.
    stale._raw_delete(stale.db)
    written = _rebuild_in_sql(ids) if connection.vendor == "postgresql" else _rebuild_in_python(ids)
    if rollups_enabled():
        if ids is not None:
            venues |= set(ReportEvent.objects.filter(exhibit_id__in=ids).values_list("venue_id", flat=True).distinct())
        rollups_rebuild(venue_ids=None if ids is None else venues)
    logger.info("report rows rebuilt: %d (exhibits: %s)", written, "all" if ids is None else len(ids))
    return written


def _rebuild_in_sql(exhibit_ids: list[int] | None) -> int:
    event_table = EmotionEvent._meta.db_table
    exhibit_table = Exhibit._meta.db_table
    hall_table = Hall._meta.db_table
    venue_table = Venue._meta.db_table
    where, params = "", list[str | list[int]]()
    if exhibit_ids is not None:
        if not exhibit_ids:
            return 0
        where, params = "WHERE e.exhibit_id = ANY(%s)", [exhibit_ids]
    params.insert(0, record_key_prefix())
    local = "(e.created_at AT TIME ZONE v.time_zone)"
    # ON CONFLICT: an event committed while this runs may already have inserted its own row.
    sql = f"""
        INSERT INTO {ReportEvent._meta.db_table}
            (event_id, exhibit_id, hall_id, venue_id, visitor_id, label, confidence, source, cell_key,
             local_date, local_hour, local_weekday)
        SELECT e.id, e.exhibit_id, x.hall_id, h.venue_id, e.visitor_id, e.label, e.confidence, e.source,
               ('x' || substr(md5(%s || e.id::text), 1, 8))::bit(32)::int & 2147483647,
               {local}::date, EXTRACT(HOUR FROM {local})::smallint, EXTRACT(ISODOW FROM {local})::smallint
        FROM {event_table} e
        JOIN {exhibit_table} x ON x.id = e.exhibit_id
        JOIN {hall_table} h ON h.id = x.hall_id
        JOIN {venue_table} v ON v.id = h.venue_id
        {where}
        ON CONFLICT (event_id) DO NOTHING
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _rebuild_in_python(exhibit_ids: list[int] | None) -> int:
    exhibits = Exhibit.objects.select_related("hall__venue")
    if exhibit_ids is not None:
        exhibits = exhibits.filter(pk__in=exhibit_ids)
    by_id = {exhibit.pk: exhibit for exhibit in exhibits}
    events = EmotionEvent.objects.filter(exhibit_id__in=list(by_id)).only(
        "pk", "exhibit_id", "visitor_id", "label", "confidence", "source", "created_at"
    )
    written, batch, prefix = 0, [], record_key_prefix()
    for event in events.order_by("pk").iterator(chunk_size=REBUILD_BATCH_SIZE):
        batch.append(_report_row(event, by_id[event.exhibit_id], prefix))
        if len(batch) >= REBUILD_BATCH_SIZE:
            written += len(ReportEvent.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(ReportEvent.objects.bulk_create(batch))
    return written


def report_events_refresh_placement(*, exhibit_ids: Iterable[int]) -> int:
    """Recompute the rows of exhibits whose hall, venue or venue time zone changed, after commit."""
    ids = sorted(set(exhibit_ids))
    if not ids:
        return 0
    transaction.on_commit(lambda: report_events_rebuild(exhibit_ids=ids))
    return len(ids)
