"""Reference numbers computed straight from the emotion events, independently of the reports app."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from emotions.models import EmotionEvent


def _key(event: EmotionEvent, group_by: str) -> Any:
    local = event.created_at.astimezone(ZoneInfo(event.exhibit.hall.venue.time_zone))
    return {
        "exhibit": event.exhibit_id,
        "hall": event.exhibit.hall_id,
        "venue": event.exhibit.hall.venue_id,
        "day": local.date().isoformat(),
        "hour": local.hour,
        "weekday": local.isoweekday(),
    }[group_by]


def _passes(event: EmotionEvent, filters: dict[str, Any]) -> bool:
    local_day = event.created_at.astimezone(ZoneInfo(event.exhibit.hall.venue.time_zone)).date()
    checks = {
        "date_from": lambda value: local_day >= date.fromisoformat(value),
        "date_to": lambda value: local_day <= date.fromisoformat(value),
        "venue": lambda value: event.exhibit.hall.venue_id == int(value),
        "hall": lambda value: event.exhibit.hall_id == int(value),
        "exhibit": lambda value: event.exhibit_id == int(value),
        "emotion": lambda value: event.label == value,
    }
    return all(checks[name](value) for name, value in filters.items())


def expected_groups(group_by: str, labels: tuple[str, ...], min_size: int, **filters: Any) -> dict[Any, dict[str, Any]]:
    """{group key: numbers}, computed event by event in Python (suppressed groups: only the flag)."""
    events = [
        event
        for event in EmotionEvent.objects.select_related("exhibit__hall__venue")
        if _passes(event, {name: value for name, value in filters.items() if value not in (None, "")})
    ]
    grouped: dict[Any, list[EmotionEvent]] = defaultdict(list)
    for event in events:
        grouped[_key(event, group_by)].append(event)
    result: dict[Any, dict[str, Any]] = {}
    for key, members in grouped.items():
        if len({event.visitor_id for event in members}) < min_size:
            result[key] = {"suppressed": True}
            continue
        result[key] = {
            "suppressed": False,
            "events": len(members),
            "visitors": len({event.visitor_id for event in members}),
            "mean_confidence": sum(event.confidence for event in members) / len(members),
            "counts": {label: sum(1 for event in members if event.label == label) for label in labels},
        }
    return result


def assert_report_matches(body: dict[str, Any], expected: dict[Any, dict[str, Any]]) -> None:
    """The API's groups carry exactly the expected numbers (and nothing for suppressed groups)."""
    groups = {group["key"]: group for group in body["groups"]}
    assert set(groups) == set(expected)
    for key, want in expected.items():
        got = groups[key]
        assert got["suppressed"] is want["suppressed"], key
        if want["suppressed"]:
            assert got["events"] is None and got["visitors"] is None
            assert got["mean_confidence"] is None and got["emotions"] is None
            continue
        assert got["events"] == want["events"], key
        assert got["visitors"] == want["visitors"], key
        assert abs(got["mean_confidence"] - want["mean_confidence"]) < 1e-6, key
        assert {label: entry["count"] for label, entry in got["emotions"].items()} == want["counts"], key
        for label, entry in got["emotions"].items():
            assert abs(entry["share"] - want["counts"][label] / want["events"]) < 1e-6, (key, label)
