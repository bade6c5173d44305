"""Synthetic emotion events for demos and screenshots (never for real venues)."""

from __future__ import annotations

import random
import zoneinfo
from datetime import UTC, datetime, time, timedelta

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from emotions.models import Capture, CaptureStatus, EmotionEvent, Visitor
from exhibits.models import Exhibit
from reports.services import report_events_rebuild

DEMO_MODEL_VERSION = "demo-synthetic"
# Synthetic visits start within a museum's opening hours, venue-local: 10:00 to 16:59.
OPENING = time(10)
LAST_START_MINUTES = 7 * 60


@transaction.atomic
def demo_events_create(*, labels: tuple[str, ...], visitors: int = 300, days: int = 28, seed: int = 1) -> int:
    """Visitors walking the active exhibits over past days, each exhibit with its own emotion mix."""
    rng = random.Random(seed)
    exhibits = list(Exhibit.objects.on_display().select_related("hall__venue"))
    if not exhibits or not labels:
        return 0
    # Each exhibit leans towards one or two emotions; afternoons are happier, mornings calmer.
    leanings = {exhibit.pk: rng.sample(range(len(labels)), k=min(2, len(labels))) for exhibit in exhibits}
    now = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    local_zone = zoneinfo.ZoneInfo(exhibits[0].hall.venue.time_zone)  # the demo has one venue
    today = now.astimezone(local_zone).date()
    created = 0
    for _ in range(visitors):
        visitor = Visitor.objects.create(
            consent_emotion_analysis=True, consent_given_at=now, consent_version=DEMO_MODEL_VERSION
        )
        # Past days only (today's opening hours may still be ahead), at a venue-local time of day.
        day = today - timedelta(days=1 + rng.randrange(days))
        opening = datetime.combine(day, OPENING, tzinfo=local_zone)
        start = (opening + timedelta(minutes=rng.randrange(LAST_START_MINUTES))).astimezone(UTC)
        route = rng.sample(exhibits, k=min(len(exhibits), rng.randrange(3, 9)))
        captures, events, moments = [], [], []
        for step, exhibit in enumerate(route):
            moment = start + timedelta(minutes=6 * step + rng.randrange(5))
            weights = [1.0] * len(labels)
            for index in leanings[exhibit.pk]:
                weights[index] += 4.0
            if moment.astimezone(local_zone).hour >= 14 and "happy" in labels:
                weights[labels.index("happy")] += 1.5
            label = rng.choices(labels, weights=weights)[0]
            confidence = round(rng.uniform(0.45, 0.98), 3)
            capture = Capture(visitor=visitor, exhibit=exhibit, status=CaptureStatus.DONE, finished_at=moment)
            captures.append(capture)
            moments.append(moment)
            rest = (1.0 - confidence) / max(1, len(labels) - 1)
            events.append(
                EmotionEvent(
                    capture=capture,
                    visitor=visitor,
                    exhibit=exhibit,
                    label=label,
                    confidence=confidence,
                    scores={name: (confidence if name == label else rest) for name in labels},
                    model_version=DEMO_MODEL_VERSION,
                )
            )
        Capture.objects.bulk_create(captures)
        EmotionEvent.objects.bulk_create(events)
        # created_at is auto_now_add, so the synthetic moments are written afterwards.
        for event, moment in zip(events, moments, strict=True):
            EmotionEvent.objects.filter(pk=event.pk).update(created_at=moment)
        created += len(events)
    report_events_rebuild()
    # Bulk rows send no signals: publish the exhibit profile snapshots they make due.
    call_command("rebuild_emotion_profiles", verbosity=0)
    return created
