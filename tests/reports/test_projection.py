"""The report rows stay equal to the events: new events, erasure, bulk loads, catalogue changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from emotions.models import EmotionEvent
from emotions.services import visitor_erase
from reports.models import ReportEvent
from reports.services import report_events_rebuild
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory, HallFactory, VenueFactory
from tests.reports.conftest import Scene, event_at

pytestmark = pytest.mark.django_db

COLUMNS = (
    "event_id",
    "exhibit_id",
    "hall_id",
    "venue_id",
    "visitor_id",
    "label",
    "confidence",
    "local_date",
    "local_hour",
    "local_weekday",
)


def _rows() -> list[tuple[Any, ...]]:
    return list(ReportEvent.objects.order_by("event_id").values_list(*COLUMNS))


def test_every_new_event_gets_one_report_row_in_its_venues_local_time() -> None:
    exhibit = ExhibitFactory.create(hall=HallFactory.create(venue=VenueFactory.create(time_zone="Asia/Tokyo")))
    event = event_at(datetime(2025, 3, 3, 23, 30, tzinfo=UTC), exhibit=exhibit, visitor=VisitorFactory.create())

    row = ReportEvent.objects.get()
    assert (row.event_id, row.exhibit_id, row.hall_id, row.venue_id) == (
        event.pk,
        exhibit.pk,
        exhibit.hall_id,
        exhibit.hall.venue_id,
    )
    assert (str(row.local_date), row.local_hour, row.local_weekday) == ("2025-03-04", 8, 2)
    assert (row.label, row.confidence, row.visitor_id) == (event.label, event.confidence, event.visitor_id)


def test_erasing_a_visitor_removes_their_events_from_the_reports(scene: Scene) -> None:
    visitor = scene.visitors[1]
    theirs = EmotionEvent.objects.filter(visitor=visitor).count()
    assert theirs > 0

    visitor_erase(visitor=visitor)

    assert not ReportEvent.objects.filter(visitor_id=visitor.pk).exists()
    assert ReportEvent.objects.count() == EmotionEvent.objects.count() == len(scene.events) - theirs


def test_deleting_events_deletes_their_rows(scene: Scene) -> None:
    EmotionEvent.objects.filter(label="happy").delete()

    assert ReportEvent.objects.count() == EmotionEvent.objects.count()
    assert not ReportEvent.objects.filter(label="happy").exists()


def test_a_rebuild_reproduces_the_rows_kept_as_events_arrive(scene: Scene) -> None:
    kept = _rows()

    ReportEvent.objects.all().delete()
    written = report_events_rebuild()

    assert written == len(kept)
    assert _rows() == kept


def test_a_rebuild_of_some_exhibits_leaves_the_others_alone(scene: Scene) -> None:
    kept = _rows()
    ReportEvent.objects.filter(exhibit=scene.exhibits[0]).delete()

    report_events_rebuild(exhibit_ids=[scene.exhibits[0].pk])

    assert _rows() == kept


def test_bulk_created_events_are_reported_after_a_rebuild(scene: Scene) -> None:
    event = scene.events[0]
    EmotionEvent.objects.filter(pk=event.pk).delete()
    EmotionEvent.objects.bulk_create(
        [EmotionEvent(**{field.attname: getattr(event, field.attname) for field in EmotionEvent._meta.concrete_fields})]
    )
    assert not ReportEvent.objects.filter(event_id=event.pk).exists()

    report_events_rebuild()

    assert ReportEvent.objects.filter(event_id=event.pk).exists()


def test_a_venue_time_zone_change_moves_its_events_to_new_local_days(
    scene: Scene, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        scene.tokyo.time_zone = "UTC"
        scene.tokyo.save()

    for row in ReportEvent.objects.filter(venue_id=scene.tokyo.pk).select_related("event"):
        assert row.local_hour == row.event.created_at.astimezone(UTC).hour
        assert row.local_date == row.event.created_at.astimezone(UTC).date()


def test_an_exhibit_moved_to_another_venue_is_reported_there(
    scene: Scene, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    wave = scene.exhibits[0]
    moscow_hall = scene.exhibits[3].hall
    with django_capture_on_commit_callbacks(execute=True):
        wave.hall = moscow_hall
        wave.save()

    rows = ReportEvent.objects.filter(exhibit_id=wave.pk).select_related("event")
    assert rows.exists()
    for row in rows:
        assert (row.hall_id, row.venue_id) == (moscow_hall.pk, scene.moscow.pk)
        local = row.event.created_at + timedelta(hours=3)  # Moscow is UTC+3 all year
        assert (row.local_date, row.local_hour) == (local.date(), local.hour)


@pytest.mark.postgres
def test_postgresql_builds_rows_in_sql_identical_to_the_python_path(scene: Scene) -> None:
    assert connection.vendor == "postgresql"
    kept = _rows()
    ReportEvent.objects.all().delete()

    report_events_rebuild()

    assert _rows() == kept
