"""Synthetic demo events: past days, within a museum's venue-local opening hours, through the report rows."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reports.demo import demo_events_create
from reports.models import ReportEvent
from tests.exhibits.factories import ExhibitFactory, HallFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_demo_visits_happen_in_opening_hours_of_past_days_in_the_venues_time() -> None:
    hall = HallFactory.create(venue=VenueFactory.create(time_zone="Asia/Tokyo"))
    for _ in range(6):
        ExhibitFactory.create(hall=hall)

    created = demo_events_create(labels=("happy", "neutral", "sad"), visitors=20, days=5, seed=3)

    rows = list(ReportEvent.objects.values_list("local_hour", "local_date"))
    assert created == len(rows) > 50
    hours = {hour for hour, _day in rows}
    assert min(hours) == 10 and max(hours) <= 17, sorted(hours)
    today = timezone.now().astimezone(timezone.get_fixed_timezone(9 * 60)).date()
    assert all(0 < (today - day).days <= 5 for _hour, day in rows)
