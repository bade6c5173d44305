"""Exhibit emotion profiles: running sums of the events' score vectors, kept current per event."""

from django.db import models
from django.db.models import Q


class ExhibitEmotionProfile(models.Model):
    """What visitors' expressions at one exhibit add up to, stored as sums so one event updates it in O(1).

    The smoothed profile shown in the API, the admin and used by the ranker is computed on read from
    these sums and the curators' current prior (`recommendations.ranking.profile_from_sums`), so an
    edited prior takes effect at once. Expressions the camera saw, not felt emotions.
    """

    exhibit = models.OneToOneField(
        "exhibits.Exhibit", on_delete=models.CASCADE, primary_key=True, related_name="emotion_profile_stats"
    )
    n_events = models.PositiveIntegerField(default=0)
    # {label: sum of that label's score over the events}; labels of every model version seen.
    score_sums = models.JSONField(default=dict, blank=True)
    # {label: number of events whose top label it was} ("most visitors looked surprised here").
    label_counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["exhibit_id"]
        constraints = [models.CheckConstraint(condition=Q(n_events__gte=0), name="profile_n_events_non_negative")]

    def __str__(self) -> str:
        return f"Emotion profile of exhibit {self.exhibit_id} ({self.n_events} events)"
