"""Attacks by subtraction: no pair of report reads may reveal what a suppressed group or withheld cell holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from exhibits.models import Exhibit
from museum_guide.disclosure import NOISE_RANGE
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory, HallFactory
from tests.reports.conftest import LABELS, event_at

pytestmark = pytest.mark.django_db

DAY = datetime(2025, 6, 2, 10, tzinfo=UTC)


def _crowd(exhibit: Exhibit, labels: list[str], moment: datetime = DAY) -> None:
    """One event per label, each by a visitor of its own."""
    for minute, label in enumerate(labels):
        event_at(moment + timedelta(minutes=minute), exhibit=exhibit, visitor=VisitorFactory.create(), label=label)


def _lone_visitor(exhibit: Exhibit, events: int, moment: datetime, label: str = "angry") -> None:
    visitor = VisitorFactory.create()
    for minute in range(events):
        event_at(moment + timedelta(minutes=minute), exhibit=exhibit, visitor=visitor, label=label)


def test_unfiltered_minus_an_emotion_filter_reveals_no_withheld_cell(get_report: Callable[..., dict]) -> None:
    exhibit = ExhibitFactory.create(title="Portrait")
    _crowd(exhibit, ["happy"] * 9 + ["neutral"] * 6)
    _lone_visitor(exhibit, 3, DAY + timedelta(hours=1))  # one visitor's three angry selfies
    whole = get_report(group_by="exhibit")["groups"][0]

    assert not whole["suppressed"]
    assert whole["emotions"]["angry"] == {"count": None, "share": None}
    # The complementary cell: the total minus the shown cells covers at least k people, not one.
    assert whole["emotions"]["neutral"] == {"count": None, "share": None}
    assert whole["emotions"]["happy"]["count"] is not None
    for label in LABELS:
        filtered = get_report(group_by="exhibit", emotion=label)["groups"]
        cell = whole["emotions"][label]
        if cell["count"] is None:
            assert all(group["suppressed"] for group in filtered), label
        elif cell["count"]:
            # What the filter shows is the very cell the unfiltered report showed: nothing to subtract.
            assert filtered[0]["events"] == cell["count"], label


def _attack_errors(make_scene: Callable[[int], tuple[int, int]], rounds: int) -> list[int]:
    """Run the attack on `rounds` fresh scenes; each returns (attacker's estimate, truth)."""
    return [estimate - truth for estimate, truth in (make_scene(round_) for round_ in range(rounds))]


def test_a_hall_minus_its_shown_exhibits_does_not_pin_down_a_suppressed_exhibit(
    get_report: Callable[..., dict],
) -> None:
    def scene(round_: int) -> tuple[int, int]:
        hall = HallFactory.create(name=f"Hall {round_}")
        busy, quiet = ExhibitFactory.create(hall=hall), ExhibitFactory.create(hall=hall)
        _crowd(busy, ["happy"] * 6)
        truth = 1 + round_ % 3
        _lone_visitor(quiet, truth, DAY)
        halls = {group["key"]: group for group in get_report(group_by="hall", hall=hall.pk)["groups"]}
        exhibits = {group["key"]: group for group in get_report(group_by="exhibit", hall=hall.pk)["groups"]}
        assert exhibits[quiet.pk]["suppressed"] and not exhibits[busy.pk]["suppressed"]
        return halls[hall.pk]["events"] - exhibits[busy.pk]["events"], truth

    errors = _attack_errors(scene, 30)

    # Uniform offsets of -2..2 on each read: the difference is off by -4..4, exact only about 1 time in 5.
    assert all(abs(error) <= 2 * NOISE_RANGE for error in errors)
    assert sum(error == 0 for error in errors) <= 15
    assert len(set(errors)) >= 4


def test_ten_days_minus_nine_does_not_pin_down_one_visitors_day(get_report: Callable[..., dict]) -> None:
    def scene(round_: int) -> tuple[int, int]:
        exhibit = ExhibitFactory.create(title=f"Vase {round_}")
        _crowd(exhibit, ["neutral"] * 6, DAY)
        truth = 1 + round_ % 3
        _lone_visitor(exhibit, truth, DAY + timedelta(days=1))
        first = date(2025, 6, 2)
        nine = get_report(group_by="exhibit", exhibit=exhibit.pk, date_to=first.isoformat())["groups"][0]
        ten = get_report(group_by="exhibit", exhibit=exhibit.pk, date_to=(first + timedelta(days=1)).isoformat())
        return ten["groups"][0]["events"] - nine["events"], truth

    errors = _attack_errors(scene, 30)

    assert sum(error == 0 for error in errors) <= 15
    assert len(set(errors)) >= 4


def test_asking_again_averages_nothing_away(get_report: Callable[..., dict]) -> None:
    exhibit = ExhibitFactory.create()
    _crowd(exhibit, ["happy"] * 7 + ["sad"] * 5)

    reads = [get_report(group_by="exhibit")["groups"][0] for _ in range(5)]

    assert all(read == reads[0] for read in reads)
