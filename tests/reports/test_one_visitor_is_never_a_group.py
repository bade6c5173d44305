"""Attack: one visitor's five selfies at one exhibit must not appear in any report, CSV or ranking."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from rest_framework.test import APIClient

from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory
from tests.reports.conftest import event_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def lone_visitor_exhibit() -> int:
    exhibit = ExhibitFactory.create(title="Quiet corner")
    visitor = VisitorFactory.create()
    start = datetime(2025, 3, 2, 10, tzinfo=UTC)
    for minute in range(5):  # five events: enough for an event-counting threshold of 5
        event_at(start + timedelta(minutes=minute), exhibit=exhibit, visitor=visitor, label="sad")
    return int(exhibit.pk)


@pytest.mark.parametrize("group_by", ["exhibit", "hall", "venue", "day", "hour", "weekday"])
def test_five_events_of_one_visitor_show_no_numbers_in_any_grouping(
    lone_visitor_exhibit: int, analyst_client: APIClient, group_by: str
) -> None:
    body = analyst_client.get("/api/v1/reports/emotions/", {"group_by": group_by}).json()

    assert body["groups"], "the group is listed, marked"
    assert all(group["suppressed"] and group["events"] is None for group in body["groups"])


def test_nor_in_the_csv_nor_in_the_top_exhibits(lone_visitor_exhibit: int, analyst_client: APIClient) -> None:
    response = analyst_client.get("/api/v1/reports/emotions/", {"group_by": "exhibit", "format": "csv"})
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    top = analyst_client.get("/api/v1/reports/top-exhibits/", {"emotion": "sad"}).json()

    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["suppressed"] for row in rows] == ["true"]
    assert all(row[column] == "" for row in rows for column in row if column not in ("exhibit", "name", "suppressed"))
    assert top["exhibits"] == [] and top["suppressed_exhibits"] == 1
