"""`?format=csv`: the same numbers as the JSON report, streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.http import StreamingHttpResponse
from rest_framework.test import APIClient

from tests.reports.conftest import LABELS, Scene

pytestmark = pytest.mark.django_db


def _csv(client: APIClient, **params: Any) -> list[dict[str, str]]:
    response = client.get("/api/v1/reports/emotions/", {**params, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(cast(StreamingHttpResponse, response).streaming_content).decode()  # type: ignore[arg-type]
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("group_by", ["exhibit", "hall", "venue", "day", "hour", "weekday"])
def test_the_csv_parses_back_to_the_json_numbers(
    scene: Scene, analyst_client: APIClient, get_report: Callable[..., dict], group_by: str
) -> None:
    rows = _csv(analyst_client, group_by=group_by, venue=scene.tokyo.pk if group_by == "day" else "")
    body = get_report(group_by=group_by, venue=scene.tokyo.pk if group_by == "day" else "")

    assert len(rows) == len(body["groups"])
    for row, group in zip(rows, body["groups"], strict=True):
        assert row[group_by] == str(group["key"])
        assert row["name"] == group["name"]
        assert row["suppressed"] == ("true" if group["suppressed"] else "false")
        if group["suppressed"]:
            assert all(row[column] == "" for column in row if column not in (group_by, "name", "suppressed"))
            continue
        assert int(row["events"]) == group["events"]
        assert int(row["visitors"]) == group["visitors"]
        assert float(row["mean_confidence"]) == group["mean_confidence"]
        for label in LABELS:
            cell = group["emotions"][label]
            assert row[f"{label}_count"] == ("" if cell["count"] is None else str(cell["count"]))
            assert row[f"{label}_share"] == ("" if cell["share"] is None else repr(cell["share"]))


def test_the_csv_marks_suppressed_rows(scene: Scene, analyst_client: APIClient) -> None:
    rows = {row["name"]: row for row in _csv(analyst_client, group_by="exhibit")}

    assert rows["Samovar"]["suppressed"] == "true"
    assert rows["Samovar"]["events"] == ""
    assert rows["Wave"]["suppressed"] == "false"


def test_a_bad_parameter_with_csv_gets_a_json_error(analyst_client: APIClient) -> None:
    response = analyst_client.get("/api/v1/reports/emotions/", {"format": "csv", "group_by": "month"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_choice"
