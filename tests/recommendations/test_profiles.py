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


def test_each_new_event_adds_to_its_exhibits_running_sums() -> None:
    exhibit = ExhibitFactory.create()
    record(exhibit, label="happy", share=0.9)
    record(exhibit, label="surprise", share=0.7)
    profile = ExhibitEmotionProfile.objects.get(exhibit=exhibit)
    assert profile.n_events == 2
    assert profile.score_sums["happy"] == pytest.approx(0.9 + 0.05)
    assert profile.label_counts == {"happy": 1.0, "surprise": 1.0}


def test_an_event_rolled_back_with_its_transaction_is_not_counted() -> None:
    exhibit = ExhibitFactory.create()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(exhibit)
        raise RuntimeError("worker crashed")
    assert not ExhibitEmotionProfile.objects.filter(exhibit=exhibit, n_events__gt=0).exists()


def test_a_new_exhibit_shows_the_curators_prior_and_one_event_does_not_dominate() -> None:
    exhibit = ExhibitFactory.create(expected_emotions={"surprise": 1.0})
    fresh = exhibit_profile_stats([exhibit.pk])[exhibit.pk].emotion_profile
    # Half the curators' prior, half a uniform guess over the model's seven labels.
    assert fresh["surprise"] == pytest.approx(0.5 + 0.5 / 7, abs=1e-3)
    assert fresh["happy"] == pytest.approx(0.5 / 7, abs=1e-3)
    record(exhibit, label="sad", share=1.0)
    stats = exhibit_profile_stats([exhibit.pk])[exhibit.pk]
    assert stats.n_events == 1
    assert max(stats.emotion_profile, key=lambda label: stats.emotion_profile[label]) == "surprise"
    assert sum(stats.emotion_profile.values()) == pytest.approx(1.0, abs=1e-3)


def test_many_events_outweigh_the_prior() -> None:
    exhibit = ExhibitFactory.create(expected_emotions={"surprise": 1.0})
    visitor = VisitorFactory.create()
    for _ in range(30):
        record(exhibit, visitor, label="sad", share=0.8)
    profile = exhibit_profile_stats([exhibit.pk])[exhibit.pk].emotion_profile
    assert profile["sad"] > 0.6 > profile["surprise"]


def test_erasing_a_visitor_removes_their_events_from_the_profile() -> None:
    exhibit = ExhibitFactory.create()
    keeper, leaver = VisitorFactory.create(), VisitorFactory.create()
    record(exhibit, keeper, label="happy")
    record(exhibit, leaver, label="sad")
    visitor_erase(visitor=leaver)
    profile = ExhibitEmotionProfile.objects.get(exhibit=exhibit)
    assert profile.n_events == 1
    assert profile.label_counts.get("sad", 0) == 0
    assert profile.score_sums["happy"] == pytest.approx(0.9)


def test_deleting_an_exhibit_with_events_deletes_its_profile() -> None:
    exhibit = ExhibitFactory.create()
    record(exhibit)
    exhibit.delete()
    assert not ExhibitEmotionProfile.objects.exists()


def test_the_rebuild_command_recomputes_profiles_from_events_loaded_without_signals() -> None:
    exhibit, other = ExhibitFactory.create(), ExhibitFactory.create()
    first = record(exhibit, label="happy", share=0.9)
    record(other, label="fear", share=0.6)
    # A bulk load sends no signals, so the profile misses this event until the rebuild.
    capture = CaptureFactory.create(visitor=first.visitor, exhibit=exhibit, status=CaptureStatus.DONE)
    EmotionEvent.objects.bulk_create(
        [
            EmotionEvent(
                capture=capture,
                visitor=first.visitor,
                exhibit=exhibit,
                label="sad",
                confidence=0.8,
                scores=scores(sad=0.8),
                model_version="m",
            )
        ]
    )
    assert ExhibitEmotionProfile.objects.get(exhibit=exhibit).n_events == 1
    call_command("rebuild_emotion_profiles")
    profile = ExhibitEmotionProfile.objects.get(exhibit=exhibit)
    assert profile.n_events == 2
    assert profile.score_sums["happy"] == pytest.approx(0.9 + 0.2 / 6)
    assert profile.label_counts == {"happy": 1.0, "sad": 1.0}
    assert ExhibitEmotionProfile.objects.get(exhibit=other).label_counts == {"fear": 1.0}


def test_the_exhibit_detail_shows_the_smoothed_profile_and_event_count() -> None:
    exhibit = ExhibitFactory.create(expected_emotions={"surprise": 1.0})
    for _ in range(3):
        record(exhibit, label="happy", share=1.0)
    body = APIClient().get(f"/api/v1/exhibits/{exhibit.pk}/").json()
    assert body["n_events"] == 3
    # (3 smiles + 5 pseudo-events of the prior: surprise 0.5 + 0.5/7, every label 0.5/7) / 8
    assert body["emotion_profile"]["happy"] == pytest.approx((3 + 5 * 0.5 / 7) / 8, abs=1e-3)
    assert body["emotion_profile"]["surprise"] == pytest.approx(5 * (0.5 + 0.5 / 7) / 8, abs=1e-3)
    assert len(body["emotion_profile"]) == 7
