"""Writers racing on the same buckets (and an erasure among them) leave the rollups exact."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from pyroaring import BitMap

from emotions.models import Visitor
from emotions.services import visitor_erase
from reports import rollups
from reports.models import ReportRollup, ReportVisitorNumber
from tests.emotions.factories import EmotionEventFactory, VisitorFactory
from tests.exhibits.factories import ExhibitFactory
from tests.reports.conftest import event_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _contents() -> dict[str, tuple[int, int, list[int]]]:
    return {
        row.bucket: (row.events, row.key_sum, list(BitMap.deserialize(bytes(row.visitors))))
        for row in ReportRollup.objects.all()
    }


def test_concurrent_events_and_an_erasure_keep_every_bucket_exact() -> None:
    exhibit = ExhibitFactory.create()
    visitors = [VisitorFactory.create() for _ in range(4)]
    doomed = VisitorFactory.create()
    moment = datetime(2025, 5, 5, 10, tzinfo=UTC)
    for minute in range(5):
        event_at(moment + timedelta(minutes=minute), exhibit=exhibit, visitor=doomed)
    start = threading.Barrier(len(visitors) + 1)
    errors: list[BaseException] = []

    def write(visitor: Visitor) -> None:
        try:
            start.wait()
            for _ in range(8):
                # Same exhibit, label and (but at an hour's turn) the same hour: writers share buckets.
                # (No mocked clock here: patching is not thread-safe.)
                with transaction.atomic():
                    EmotionEventFactory.create(capture__visitor=visitor, capture__exhibit=exhibit, label="happy")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    def erase() -> None:
        try:
            start.wait()
            with transaction.atomic():
                visitor_erase(visitor=Visitor.objects.get(pk=doomed.pk))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(visitor,)) for visitor in visitors]
    threads.append(threading.Thread(target=erase))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    kept = _contents()
    numbers = set(ReportVisitorNumber.objects.values_list("number", flat=True))
    assert len(numbers) == len(visitors)
    for level in rollups.LEVELS_BY_SIZE:
        rows = ReportRollup.objects.filter(level=level)
        assert sum(row.events for row in rows) == 8 * len(visitors), level
        assert set(BitMap.union(*(BitMap.deserialize(bytes(row.visitors)) for row in rows))) == numbers, level
    rollups.rollups_rebuild()
    assert _contents() == kept
