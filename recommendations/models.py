"""Exhibit emotion profiles as published: snapshots that move only after k new visitors (DESIGN.md section 6)."""

from django.db import models


class ExhibitEmotionProfile(models.Model):
    """The latest published snapshot of what visitors' expressions at one exhibit add up to.

    Everything outside the database (exhibit API, recommendations, routes, admin) reads this snapshot,
    never the events: it is republished only once at least k distinct visitors contributed since the
    last one (`recommendations.services.profile_publish_if_due`), each visitor weighs once, shares are
    rounded and the visitor count is shown as a bucket (`museum_guide.disclosure`). The curators' prior
    is blended in on read, so an edited prior takes effect at once. Expressions, not felt emotions.
    """

    exhibit = models.OneToOneField(
        "exhibits.Exhibit", on_delete=models.CASCADE, primary_key=True, related_name="emotion_profile_stats"
    )
    # Exact distinct visitors in the snapshot; shown only as museum_guide.disclosure.visitor_bucket.
    visitors = models.PositiveIntegerField(default=0)
    # {label: mean over visitors of each visitor's mean score vector}, rounded to SHARE_STEP; {} before the first.
    shares = models.JSONField(default=dict, blank=True)
    # {label: share of visitors whose strongest expression it was}, rounded ("most visitors looked surprised").
    top_shares = models.JSONField(default=dict, blank=True)
    # The newest event the snapshot includes: visitors with later events count as new.
    through_event = models.BigIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["exhibit_id"]

    def __str__(self) -> str:
        return f"Emotion profile of exhibit {self.exhibit_id}"
