"""The rollups answer every report exactly as the per-event rows do: new events, erasure, moves, any filter.

Each test computes the same reports twice on generated data, once from the rollups (PostgreSQL's default)
and once from the per-event projection (REPORT_ROLLUPS off: the path SQLite takes), and demands equality
of every number, suppression and withheld cell.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import product
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pyroaring import BitMap
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, SettingsWrapper

from emotions.models import Visitor
from emotions.services import visitor_erase
from exhibits.models import Exhibit
from reports import rollups
from reports.models import ReportEvent, ReportRollup, ReportVisitorNumber, RollupLevel
from reports.selectors import GROUP_BY_CHOICES, ReportFilters, emotion_report, top_exhibits
from reports.services import report_events_rebuild
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory, HallFactory, VenueFactory
from tests.reports.conftest import LABELS, event_at

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

START = datetime(2025, 3, 1, tzinfo=UTC)


@pytest.fixture
def exhibits(db: None) -> list[Exhibit]:
    """Two venues in different time zones, three halls, six exhibits, and ~300 events of 30 visitors.

    Visitors return to the same exhibit (distinct visitors < events), hours straddle local midnight,
    and exhibit weights leave some groups and cells near k = 5.
    """
    tokyo = VenueFactory.create(name="Tokyo", time_zone="Asia/Tokyo")
    moscow = VenueFactory.create(name="Moscow", time_zone="Europe/Moscow")
    halls = [HallFactory.create(venue=tokyo), HallFactory.create(venue=tokyo), HallFactory.create(venue=moscow)]
    items = [ExhibitFactory.create(hall=halls[index % 3], title=f"Exhibit {index}") for index in range(6)]
    visitors = [VisitorFactory.create() for _ in range(30)]
    rng = random.Random(17)
    for _ in range(300):
        exhibit = rng.choices(items, weights=[30, 25, 20, 12, 8, 5])[0]
        event_at(
            START
            + timedelta(days=rng.randrange(8), hours=rng.choice([0, 7, 14, 15, 20, 23]), minutes=rng.randrange(60)),
            exhibit=exhibit,
            visitor=rng.choice(visitors[: rng.choice([6, 12, 30])]),
            label=rng.choices(LABELS, weights=[3, 1, 1, 8, 6, 2, 2])[0],
            confidence=rng.uniform(0.3, 1.0),
            source=rng.choice(["server", "server", "device"]),
        )
    return items


def _filters(items: list[Exhibit]) -> list[ReportFilters]:
    venue, hall, exhibit = items[0].hall.venue_id, items[1].hall_id, items[2].pk
    first, last = date(2025, 3, 2), date(2025, 3, 5)
    return [
        ReportFilters(),
        ReportFilters(date_from=first, date_to=last),
        ReportFilters(date_from=date(2025, 3, 4)),
        ReportFilters(venue=venue),
        ReportFilters(venue=venue, date_from=first, date_to=last),
        ReportFilters(hall=hall),
        ReportFilters(hall=hall, date_from=first, date_to=last),
        ReportFilters(hall=hall, venue=venue, date_from=date(2025, 3, 4), source="device"),
        ReportFilters(exhibit=exhibit),
        ReportFilters(exhibit=exhibit, date_from=first, date_to=last),
        # Whole weeks (Monday 3 March - Sunday 9 March; 24 February - 2 March) with and without days around
        # them: hours read them from the week levels.
        ReportFilters(hall=hall, date_from=first, date_to=date(2025, 3, 9)),
        ReportFilters(hall=hall, date_to=date(2025, 3, 9)),
        ReportFilters(venue=venue, date_from=date(2025, 3, 3)),
        ReportFilters(date_from=date(2025, 2, 24), date_to=date(2025, 3, 5)),
        ReportFilters(date_from=first, date_to=date(2025, 3, 11), source="server"),
        ReportFilters(source="device"),
        ReportFilters(emotion="happy"),
        ReportFilters(emotion="sad", venue=venue, date_from=first, date_to=last),
    ]


def _both(settings: SettingsWrapper, read: Any) -> tuple[Any, Any]:
    settings.REPORT_ROLLUPS = True
    from_rollups = read()
    settings.REPORT_ROLLUPS = False
    from_rows = read()
    settings.REPORT_ROLLUPS = True
    return from_rollups, from_rows


def _assert_same_reports(settings: SettingsWrapper, items: list[Exhibit]) -> int:
    """Every grouping x filter x k, and top exhibits: equal from both paths; returns the shown groups compared."""
    shown = 0
    for group_by, filters, k in product(GROUP_BY_CHOICES, _filters(items), (2, 5)):
        left, right = _both(
            settings,
            lambda g=group_by, f=filters, k=k: emotion_report(group_by=g, filters=f, labels=LABELS, min_size=k),
        )
        assert left == right, (group_by, filters, k)
        shown += sum(not group.suppressed for group in left.groups)
    for emotion, k in product(("happy", "neutral", "fear"), (2, 5)):
        left, right = _both(
            settings,
            lambda e=emotion, k=k: top_exhibits(emotion=e, filters=ReportFilters(), labels=LABELS, min_size=k),
        )
        assert left == right, (emotion, k)
    return shown


def _bucket_contents() -> dict[str, tuple[int, int, list[int]]]:
    return {
        row.bucket: (row.events, row.key_sum, list(BitMap.deserialize(bytes(row.visitors))))
        for row in ReportRollup.objects.all()
    }


def test_rollups_and_report_rows_give_the_same_reports(settings: SettingsWrapper, exhibits: list[Exhibit]) -> None:
    assert _assert_same_reports(settings, exhibits) > 100
    # Both kinds of outcome occur in the data, so the comparison covers suppression too.
    report = emotion_report(group_by="day", filters=ReportFilters(hall=exhibits[5].hall_id), labels=LABELS)
    assert any(group.suppressed for group in report.groups)


def test_rollups_kept_by_each_write_equal_a_rebuild_from_the_rows(exhibits: list[Exhibit]) -> None:
    kept = _bucket_contents()
    rollups.rollups_rebuild()

    assert _bucket_contents() == kept
    assert {level for level in ReportRollup.objects.values_list("level", flat=True)} == set(rollups.LEVELS_BY_SIZE)


@pytest.mark.parametrize(
    "levels",
    [
        # Migration 0008: rollups that predate the hall x date x hour, week and month levels.
        [
            RollupLevel.HALL_DAY_HOUR,
            RollupLevel.HALL_WEEK_HOUR,
            RollupLevel.VENUE_WEEK_HOUR,
            RollupLevel.EXHIBIT_WEEK,
            RollupLevel.EXHIBIT_MONTH,
            RollupLevel.HALL_MONTH,
        ],
        # One level alone (a future migration adding one grain).
        [RollupLevel.EXHIBIT_MONTH],
    ],
)
def test_rebuilding_some_levels_fills_them_and_leaves_the_others(exhibits: list[Exhibit], levels: list[int]) -> None:
    kept = _bucket_contents()
    ReportRollup.objects.filter(level__in=levels).delete()

    written = rollups.rollups_rebuild(levels=levels)

    assert written == ReportRollup.objects.filter(level__in=levels).count() > 0
    assert _bucket_contents() == kept


def test_erasure_takes_the_visitor_out_of_every_rollup(settings: SettingsWrapper, exhibits: list[Exhibit]) -> None:
    erased = list(Visitor.objects.filter(pk__in=ReportEvent.objects.values("visitor_id")).order_by("pk")[:4])
    numbers = set(
        ReportVisitorNumber.objects.filter(visitor_id__in=[v.pk for v in erased]).values_list("number", flat=True)
    )
    assert len(numbers) == 4

    for visitor in erased:
        visitor_erase(visitor=visitor)

    assert not ReportVisitorNumber.objects.filter(number__in=numbers).exists()
    assert all(not numbers & set(members) for _, _, members in _bucket_contents().values())
    _assert_same_reports(settings, exhibits)
    kept = _bucket_contents()
    rollups.rollups_rebuild()
    assert _bucket_contents() == kept


def test_deleting_an_exhibit_removes_its_events_from_the_rollups(
    settings: SettingsWrapper, exhibits: list[Exhibit]
) -> None:
    gone = exhibits[1].pk
    exhibits[1].delete()

    assert not ReportRollup.objects.filter(exhibit_id=gone).exists()
    _assert_same_reports(settings, exhibits[:1] + exhibits[2:] + exhibits[:1])


def test_an_exhibit_moved_to_another_venue_moves_its_rollups(
    settings: SettingsWrapper,
    exhibits: list[Exhibit],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    moscow_hall = exhibits[2].hall
    with django_capture_on_commit_callbacks(execute=True):
        exhibits[0].hall = moscow_hall
        exhibits[0].save()

    assert ReportRollup.objects.filter(exhibit_id=exhibits[0].pk).exclude(venue_id=moscow_hall.venue_id).count() == 0
    _assert_same_reports(settings, exhibits)


def test_events_after_a_bulk_rebuild_are_counted_once(settings: SettingsWrapper, exhibits: list[Exhibit]) -> None:
    report_events_rebuild()
    visitor = VisitorFactory.create()
    for minute in range(6):
        event_at(START + timedelta(days=2, minutes=minute), exhibit=exhibits[5], visitor=visitor, label="fear")

    _assert_same_reports(settings, exhibits)
    kept = _bucket_contents()
    rollups.rollups_rebuild()
    assert _bucket_contents() == kept


def test_the_csv_is_the_same_from_both_paths(
    settings: SettingsWrapper, exhibits: list[Exhibit], analyst_client: Client
) -> None:
    def csv() -> bytes:
        response = analyst_client.get("/api/v1/reports/emotions/", {"group_by": "exhibit", "format": "csv"})
        assert response.status_code == 200
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]

    from_rollups, from_rows = _both(settings, csv)
    assert from_rollups == from_rows
    assert from_rollups.count(b"\n") == 1 + len(exhibits)


def _tables_read(settings: SettingsWrapper, read: Any) -> str:
    settings.REPORT_ROLLUPS = True
    with CaptureQueriesContext(connection) as queries:
        read()
    return " ".join(query["sql"] for query in queries.captured_queries)


def test_hours_of_one_hall_within_dates_read_the_hall_day_hour_rollups(
    settings: SettingsWrapper, exhibits: list[Exhibit]
) -> None:
    assert rollups.rollup_level(["local_hour", "hall_id", "local_date"]) == RollupLevel.HALL_DAY_HOUR
    filters = ReportFilters(hall=exhibits[0].hall_id, date_from=date(2025, 3, 2), date_to=date(2025, 3, 6))

    def read() -> Any:
        return emotion_report(group_by="hour", filters=filters, labels=LABELS, min_size=2)

    sql = _tables_read(settings, read)
    assert ReportRollup._meta.db_table in sql and f'"level" = {int(RollupLevel.HALL_DAY_HOUR)}' in sql
    assert ReportEvent._meta.db_table not in sql
    left, right = _both(settings, read)
    assert left == right
    assert sum(not group.suppressed for group in left.groups) >= 4


def test_hours_over_whole_weeks_read_the_week_levels_and_the_days_around_them(
    settings: SettingsWrapper, exhibits: list[Exhibit]
) -> None:
    # Sunday 2 March from the days of the hall, the week of Monday 3 March from its weeks.
    hall_filters = ReportFilters(hall=exhibits[1].hall_id, date_from=date(2025, 3, 2), date_to=date(2025, 3, 9))
    # The week of 24 February (its Saturday and Sunday hold events) from the venues' weeks, then 3-5 March.
    venue_filters = ReportFilters(date_from=date(2025, 2, 24), date_to=date(2025, 3, 5))
    for filters, day_level, week_level in (
        (hall_filters, RollupLevel.HALL_DAY_HOUR, RollupLevel.HALL_WEEK_HOUR),
        (venue_filters, RollupLevel.VENUE_DAY_HOUR, RollupLevel.VENUE_WEEK_HOUR),
    ):

        def read(f: ReportFilters = filters) -> Any:
            return emotion_report(group_by="hour", filters=f, labels=LABELS, min_size=2)

        sql = _tables_read(settings, read)
        assert f'"level" = {int(day_level)}' in sql and f'"level" = {int(week_level)}' in sql
        left, right = _both(settings, read)
        assert left == right, filters
        assert sum(not group.suppressed for group in left.groups) >= 4


def test_hours_of_one_exhibit_within_dates_read_the_report_rows(
    settings: SettingsWrapper, exhibits: list[Exhibit]
) -> None:
    # No level keeps exhibit, date and hour (it would hold about one event per bucket): the per-event path
    # answers, under the same rules.
    assert rollups.rollup_level(["local_hour", "exhibit_id", "local_date"]) is None
    filters = ReportFilters(exhibit=exhibits[0].pk, date_from=date(2025, 3, 2), date_to=date(2025, 3, 6))

    def read() -> Any:
        return emotion_report(group_by="hour", filters=filters, labels=LABELS, min_size=2)

    assert ReportRollup._meta.db_table not in _tables_read(settings, read)
    left, right = _both(settings, read)
    assert left == right and left.groups


@pytest.fixture
def weeks_of_events(exhibits: list[Exhibit]) -> list[Exhibit]:
    """The exhibits' events plus ~300 more over six weeks (Wednesday 19 February - Thursday 3 April, UTC)."""
    visitors = list(Visitor.objects.order_by("pk"))
    rng = random.Random(29)
    for _ in range(300):
        event_at(
            START
            + timedelta(days=rng.randrange(-10, 34), hours=rng.choice([0, 7, 14, 20, 23]), minutes=rng.randrange(60)),
            exhibit=rng.choices(exhibits, weights=[30, 25, 20, 12, 8, 5])[0],
            visitor=rng.choice(visitors[: rng.choice([6, 12, 30])]),
            label=rng.choices(LABELS, weights=[3, 1, 1, 8, 6, 2, 2])[0],
            confidence=rng.uniform(0.3, 1.0),
            source=rng.choice(["server", "server", "device"]),
        )
    return exhibits


def _week_ranges(items: list[Exhibit]) -> list[ReportFilters]:
    venue, hall, exhibit = items[0].hall.venue_id, items[1].hall_id, items[0].pk
    return [
        # Wednesday 5 - Thursday 27 March: days 5-9, the weeks of 10 and 17 March, days 24-27.
        ReportFilters(date_from=date(2025, 3, 5), date_to=date(2025, 3, 27)),
        # Monday 17 February - Wednesday 2 April: that week, days 24-28 February, March, days 1-2 April.
        ReportFilters(date_from=date(2025, 2, 17), date_to=date(2025, 4, 2)),
        # Whole weeks only (Monday 3 - Sunday 23 March), and no whole week (Tuesday 11 - Saturday 15 March).
        ReportFilters(date_from=date(2025, 3, 3), date_to=date(2025, 3, 23)),
        # Ending a day before a week's (and a month's) end: Tuesday 4 - Saturday 29 March.
        ReportFilters(date_from=date(2025, 3, 4), date_to=date(2025, 3, 29)),
        ReportFilters(date_from=date(2025, 3, 11), date_to=date(2025, 3, 15)),
        # Open ends: every month (or week) from the first whole one on, every one up to the last whole one.
        ReportFilters(date_from=date(2025, 3, 5)),
        ReportFilters(date_to=date(2025, 3, 20)),
        ReportFilters(hall=hall, date_from=date(2025, 3, 2), date_to=date(2025, 3, 24)),
        ReportFilters(exhibit=exhibit, date_from=date(2025, 3, 4), date_to=date(2025, 3, 30)),
        ReportFilters(venue=venue, emotion="happy", source="server", date_from=date(2025, 3, 6)),
    ]


def test_reports_over_whole_weeks_and_edge_days_are_the_same_from_both_paths(
    settings: SettingsWrapper, weeks_of_events: list[Exhibit], analyst_client: Client
) -> None:
    shown = 0
    for group_by, filters, k in product(GROUP_BY_CHOICES, _week_ranges(weeks_of_events), (2, 5)):
        left, right = _both(
            settings,
            lambda g=group_by, f=filters, k=k: emotion_report(group_by=g, filters=f, labels=LABELS, min_size=k),
        )
        assert left == right, (group_by, filters, k)
        shown += sum(not group.suppressed for group in left.groups)
    assert shown > 150
    for emotion, filters, k in product(("happy", "neutral"), _week_ranges(weeks_of_events), (2, 5)):
        left, right = _both(
            settings, lambda e=emotion, f=filters, k=k: top_exhibits(emotion=e, filters=f, labels=LABELS, min_size=k)
        )
        assert left == right, (emotion, filters, k)
    for dates in ({"date_from": "2025-03-05", "date_to": "2025-03-27"}, {"date_from": "2025-03-05"}):

        def csv(d: dict[str, str] = dates) -> bytes:
            response = analyst_client.get("/api/v1/reports/emotions/", {"group_by": "exhibit", "format": "csv", **d})
            assert response.status_code == 200
            return b"".join(response.streaming_content)  # type: ignore[attr-defined]

        from_rollups, from_rows = _both(settings, csv)
        assert from_rollups == from_rows
        assert from_rollups.count(b"\n") == 1 + len(weeks_of_events)


def test_exhibits_within_dates_read_whole_months_and_weeks_from_their_levels(
    settings: SettingsWrapper, weeks_of_events: list[Exhibit]
) -> None:
    # Week buckets are dated by their Monday, month buckets by their first day.
    starts: dict[int, set[date]] = {RollupLevel.EXHIBIT_WEEK: set(), RollupLevel.EXHIBIT_MONTH: set()}
    for level, day in ReportRollup.objects.filter(level__in=starts).values_list("level", "local_date"):
        assert day is not None
        starts[level].add(day)
    assert len(starts[RollupLevel.EXHIBIT_WEEK]) >= 6 and len(starts[RollupLevel.EXHIBIT_MONTH]) >= 3
    assert all(day.isoweekday() == 1 for day in starts[RollupLevel.EXHIBIT_WEEK])
    assert all(day.day == 1 for day in starts[RollupLevel.EXHIBIT_MONTH])
    filters = ReportFilters(date_from=date(2025, 3, 5), date_to=date(2025, 3, 27))

    sql = _tables_read(settings, lambda: emotion_report(group_by="exhibit", filters=filters, labels=LABELS))
    assert f'"level" = {int(RollupLevel.EXHIBIT_DAY)}' in sql and f'"level" = {int(RollupLevel.EXHIBIT_WEEK)}' in sql
    assert f'"level" = {int(RollupLevel.EXHIBIT_MONTH)}' not in sql
    longer = ReportFilters(date_from=date(2025, 2, 17), date_to=date(2025, 4, 2))
    sql = _tables_read(settings, lambda: emotion_report(group_by="exhibit", filters=longer, labels=LABELS))
    assert all(
        f'"level" = {int(level)}' in sql
        for level in (RollupLevel.EXHIBIT_DAY, RollupLevel.EXHIBIT_WEEK, RollupLevel.EXHIBIT_MONTH)
    )
    # Weekdays of one exhibit need the days (a week bucket has no weekday).
    one = replace(filters, exhibit=weeks_of_events[0].pk)
    sql = _tables_read(settings, lambda: emotion_report(group_by="weekday", filters=one, labels=LABELS))
    assert f'"level" = {int(RollupLevel.EXHIBIT_DAY)}' in sql
    assert f'"level" = {int(RollupLevel.EXHIBIT_WEEK)}' not in sql


def test_halls_within_dates_read_whole_months_from_the_hall_month_level(
    settings: SettingsWrapper, weeks_of_events: list[Exhibit]
) -> None:
    assert all(
        day is not None and day.day == 1
        for day in ReportRollup.objects.filter(level=RollupLevel.HALL_MONTH).values_list("local_date", flat=True)
    )
    filters = ReportFilters(date_from=date(2025, 2, 17), date_to=date(2025, 4, 2))

    sql = _tables_read(settings, lambda: emotion_report(group_by="hall", filters=filters, labels=LABELS))
    assert f'"level" = {int(RollupLevel.HALL_DAY)}' in sql and f'"level" = {int(RollupLevel.HALL_MONTH)}' in sql
    sql = _tables_read(
        settings,
        lambda: emotion_report(
            group_by="weekday", filters=replace(filters, hall=weeks_of_events[0].hall_id), labels=LABELS
        ),
    )
    assert f'"level" = {int(RollupLevel.HALL_MONTH)}' not in sql
