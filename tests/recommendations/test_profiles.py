"""Exhibit emotion profiles: kept current per event, rebuildable, shown in the exhibit API."""

import pytest
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from emotions.models import CaptureStatus, EmotionEvent, Visitor
from emotions.services import visitor_erase
from exhibits.models import Exhibit
from recommendations.models import ExhibitEmotionProfile
from recommendations.selectors import exhibit_profile_stats
from tests.exhibits.factories import ExhibitFactory
from tests.recommendations.conftest import scores
from tests.recommendations.factories import CaptureFactory, EmotionEventFactory, VisitorFactory

pytestmark = pytest.mark.django_db


def record(exhibit: Exhibit, visitor: Visitor | None = None, label: str = "happy", share: float = 0.9) -> EmotionEvent:
    """Store one event as the worker would (through the ORM, so signals fire)."""
    visitor = visitor or VisitorFactory.create()
    return EmotionEventFactory.create(
        capture__visitor=visitor, capture__exhibit=exhibit, label=label, scores=scores(**{label: share})
    )


def crowd(exhibit: Exhibit, n: int, label: str = "happy", share: float = 0.9) -> list[Visitor]:
    """`n` new visitors, one selfie each."""
    visitors = [VisitorFactory.create() for _ in range(n)]
    for visitor in visitors:
        record(exhibit, visitor, label=label, share=share)
    return visitors


def test_nothing_is_published_before_five_distinct_visitors() -> None:
    exhibit = ExhibitFactory.create()
    one = VisitorFactory.create()
    for _ in range(6):
        record(exhibit, one, label="happy")  # one person's six selfies are one visitor
    crowd(exhibit, 3)
    assert exhibit_profile_stats([exhibit.pk])[exhibit.pk].visitor_emotions is None
    crowd(exhibit, 1)
    profile = ExhibitEmotionProfile.objects.get(exhibit=exhibit)
    assert (profile.visitors, profile.shares["happy"]) == (5, 0.9)
    assert profile.published_at is not None


def test_each_visitor_weighs_once_however_many_selfies_they_take() -> None:
    exhibit = ExhibitFactory.create()
    crowd(exhibit, 4, label="happy", share=1.0)
    keen = VisitorFactory.create()
    for _ in range(12):
        record(exhibit, keen, label="sad", share=1.0)
    shares = ExhibitEmotionProfile.objects.get(exhibit=exhibit).shares
    assert (shares["happy"], shares["sad"]) == (0.8, 0.2)
    top = ExhibitEmotionProfile.objects.get(exhibit=exhibit).top_shares
    assert (top["happy"], top["sad"]) == (0.8, 0.2)


def test_the_snapshot_moves_only_after_five_new_visitors() -> None:
    exhibit = ExhibitFactory.create()
    crowd(exhibit, 5, label="happy", share=0.9)
    first = ExhibitEmotionProfile.objects.get(exhibit=exhibit).shares
    crowd(exhibit, 4, label="sad", share=0.9)
    assert ExhibitEmotionProfile.objects.get(exhibit=exhibit).shares == first
    crowd(exhibit, 1, label="sad", share=0.9)
    moved = ExhibitEmotionProfile.objects.get(exhibit=exhibit)
    assert moved.visitors == 10 and moved.shares["sad"] > first["sad"]


def test_an_event_rolled_back_with_its_transaction_does_not_publish() -> None:
    exhibit = ExhibitFactory.create()
    crowd(exhibit, 4)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(exhibit)
        raise RuntimeError("worker crashed")
    assert not ExhibitEmotionProfile.objects.filter(exhibit=exhibit, visitors__gt=0).exists()


def test_a_new_exhibit_shows_the_curators_prior_kept_apart_from_visitors() -> None:
    exhibit = ExhibitFactory.create(expected_emotions={"surprise": 1.0})
    fresh = exhibit_profile_stats([exhibit.pk])[exhibit.pk]
    # Half the curators' prior, half a uniform guess over the model's seven labels.
    assert fresh.emotion_profile["surprise"] == pytest.approx(0.5 + 0.5 / 7, abs=0.01)
    assert fresh.emotion_profile["happy"] == pytest.approx(0.5 / 7, abs=0.01)
    assert (fresh.visitors, fresh.visitor_emotions) == (0, None)
    crowd(exhibit, 5, label="sad", share=1.0)
    stats = exhibit_profile_stats([exhibit.pk])[exhibit.pk]
    assert stats.visitors == 5
    assert stats.visitor_emotions is not None and stats.visitor_emotions["sad"] == 1.0
    # Five visitors against five pseudo-visitors of the prior: half and half.
    assert stats.emotion_profile["sad"] == pytest.approx((5 + 5 * 0.5 / 7) / 10, abs=0.01)


def test_many_visitors_outweigh_the_prior() -> None:
    exhibit = ExhibitFactory.create(expected_emotions={"surprise": 1.0})
    crowd(exhibit, 30, label="sad", share=0.8)
    stats = exhibit_profile_stats([exhibit.pk])[exhibit.pk]
    assert stats.visitors == 20, "30 visitors are shown as the bucket 20"
    assert stats.emotion_profile["sad"] > 0.6 > stats.emotion_profile["surprise"]


def test_erasing_a_visitor_does_not_republish_but_the_next_snapshot_leaves_them_out() -> None:
    exhibit = ExhibitFactory.create()
    crowd(exhibit, 4, label="happy", share=1.0)
    leaver = VisitorFactory.create()
    record(exhibit, leaver, label="sad", share=1.0)
    published = ExhibitEmotionProfile.objects.get(exhibit=exhibit).shares
    visitor_erase(visitor=leaver)
    # Republishing now would show, by difference, exactly what the leaver contributed.
    assert ExhibitEmotionProfile.objects.get(exhibit=exhibit).shares == published
    crowd(exhibit, 5, label="happy", share=1.0)
    again = ExhibitEmotionProfile.objects.get(exhibit=exhibit)
    assert (again.visitors, again.shares["sad"]) == (9, 0.0)


def test_deleting_an_exhibit_with_events_deletes_its_profile() -> None:
    exhibit = ExhibitFactory.create()
    record(exhibit)
    exhibit.delete()
    assert not ExhibitEmotionProfile.objects.exists()


def test_the_rebuild_command_publishes_events_loaded_without_signals() -> None:
    exhibit, other = ExhibitFactory.create(), ExhibitFactory.create()
    first = record(exhibit, label="happy", share=0.9)
    crowd(other, 2, label="fear", share=0.6)
    # A bulk load sends no signals, so no snapshot is published until the command runs.
    rows = []
    for visitor in [first.visitor, *(VisitorFactory.create() for _ in range(4))]:
        capture = CaptureFactory.create(visitor=visitor, exhibit=exhibit, status=CaptureStatus.DONE)
        rows.append(
            EmotionEvent(
                capture=capture,
                visitor=visitor,
                exhibit=exhibit,
                label="sad",
                confidence=0.8,
                scores=scores(sad=0.8),
                model_version="m",
            )
        )
    EmotionEvent.objects.bulk_create(rows)
    assert ExhibitEmotionProfile.objects.get(exhibit=exhibit).visitors == 0
    call_command("rebuild_emotion_profiles")
    profile = ExhibitEmotionProfile.objects.get(exhibit=exhibit)
    assert profile.visitors == 5
    # The first visitor's two selfies (happy 0.9, sad 0.8) average into one vector.
    assert profile.shares["sad"] == round((4 * 0.8 + (0.8 + 0.1 / 6) / 2) / 5, 2)
    assert ExhibitEmotionProfile.objects.get(exhibit=other).visitors == 0, "two visitors are not enough"


def test_the_exhibit_detail_shows_the_snapshot_the_prior_and_their_blend() -> None:
    exhibit = ExhibitFactory.create(expected_emotions={"surprise": 1.0})
    crowd(exhibit, 7, label="happy", share=1.0)
    body = APIClient().get(f"/api/v1/exhibits/{exhibit.pk}/").json()
    assert body["visitors"] == 5
    assert body["visitor_emotions"]["happy"] == 1.0
    assert body["expected_emotions"] == {"surprise": 1.0}
    # (5 bucketed visitors + 5 pseudo-visitors of the prior: surprise 0.5 + 0.5/7, every label 0.5/7) / 10
    assert body["emotion_profile"]["happy"] == pytest.approx((5 + 5 * 0.5 / 7) / 10, abs=0.01)
    assert body["emotion_profile"]["surprise"] == pytest.approx(5 * (0.5 + 0.5 / 7) / 10, abs=0.01)
    assert len(body["emotion_profile"]) == 7
    assert body["emotion_profile_published_at"]
