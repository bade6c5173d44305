"""CSV rendering of emotion reports, streamed row by row."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from reports.selectors import EmotionReport


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` pass DRF's content negotiation; report views stream CSV themselves."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return b"" if data is None else str(data).encode()


def report_header(report: EmotionReport) -> list[str]:
    """Column names: group key and name, suppression flag, totals, then count and share per label."""
    columns = [report.group_by, "name", "suppressed", "events", "visitors", "mean_confidence"]
    for label in report.labels:
        columns += [f"{label}_count", f"{label}_share"]
    return columns


def report_rows(report: EmotionReport) -> Iterator[list[Any]]:
    """The header, then one row per group; a suppressed group's numbers and withheld cells are left empty."""
    yield report_header(report)
    for group in report.groups:
        row: list[Any] = [group.key, group.name, "true" if group.suppressed else "false"]
        if group.suppressed or group.emotions is None:
            row += [""] * (3 + 2 * len(report.labels))
        else:
            row += [group.events, group.visitors, repr(group.mean_confidence)]
            for label in report.labels:
                cell = group.emotions[label]
                row += ["" if cell.count is None else cell.count, "" if cell.share is None else repr(cell.share)]
        yield row


def report_csv_response(report: EmotionReport, *, filename: str) -> StreamingHttpResponse:
    """A streaming CSV download of the report."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in report_rows(report)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
