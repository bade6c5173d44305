"""Reference numbers computed straight from the emotion events, independently of the reports app."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from emotions.models import EmotionEvent
from museum_guide.disclosure import NOISE_RANGE


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


def _withheld(members: list[EmotionEvent], labels: tuple[str, ...], min_size: int) -> set[str]:
    """Cells seen by 1..k-1 visitors, plus the smallest cell seen by at least k (written out independently)."""
    seen = {label: len({event.visitor_id for event in members if event.label == label}) for label in labels}
    small = {label for label, n in seen.items() if 0 < n < min_size}
    safe = sorted((n, label) for label, n in seen.items() if n >= min_size)
    return small | ({safe[0][1]} if small and safe else set())


def expected_groups(group_by: str, labels: tuple[str, ...], min_size: int, **filters: Any) -> dict[Any, dict[str, Any]]:
    """{group key: true numbers and withheld cells}, computed event by event in Python (suppressed: only the flag).

    An emotion filter selects that emotion's cell of each group; the group is suppressed when the cell
    is withheld in the unfiltered group.
    """
    emotion = filters.pop("emotion", None) or None
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
        if emotion and not any(event.label == emotion for event in members):
            continue
        withheld = _withheld(members, labels, min_size)
        if len({event.visitor_id for event in members}) < min_size or emotion in withheld:
            result[key] = {"suppressed": True}
            continue
        if emotion:
            members, withheld = [event for event in members if event.label == emotion], set()
        result[key] = {
            "suppressed": False,
            "events": len(members),
            "visitors": len({event.visitor_id for event in members}),
            "mean_confidence": sum(event.confidence for event in members) / len(members),
            "counts": {label: sum(1 for event in members if event.label == label) for label in labels},
            "withheld": withheld,
        }
    return result


def assert_report_matches(body: dict[str, Any], expected: dict[Any, dict[str, Any]]) -> None:
    """The API's groups carry the expected numbers, each perturbed by at most NOISE_RANGE, and nothing withheld."""
    groups = {group["key"]: group for group in body["groups"]}
    assert set(groups) == set(expected)
    for key, want in expected.items():
        got = groups[key]
        assert got["suppressed"] is want["suppressed"], key
        if want["suppressed"]:
            assert got["events"] is None and got["visitors"] is None
            assert got["mean_confidence"] is None and got["emotions"] is None
            continue
        assert abs(got["events"] - want["events"]) <= NOISE_RANGE, key
        assert abs(got["visitors"] - want["visitors"]) <= NOISE_RANGE, key
        assert abs(got["mean_confidence"] - want["mean_confidence"]) <= 0.005 + 1e-9, key
        for label, entry in got["emotions"].items():
            if label in want["withheld"]:
                assert entry == {"count": None, "share": None}, (key, label)
                continue
            if want["counts"][label] == 0:
                assert entry["count"] == 0, (key, label)
            assert abs(entry["count"] - want["counts"][label]) <= NOISE_RANGE, (key, label)
            assert entry["share"] == round(entry["count"] / got["events"], 4), (key, label)
