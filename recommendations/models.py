"""Exhibit emotion profiles as published: snapshots that move only after k new visitors (DESIGN.md section 6)."""

import numpy as np
import numpy.typing as npt
from django.db import models

from museum_guide import disclosure

# How `ExhibitEmotionProfile.labels` separates the labels of the stored vectors.
LABEL_SEPARATOR = "\n"


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
    # The same snapshot as numbers, so that loading a venue's ranking inputs decodes no JSON: `vectors`
    # holds float64 shares then top shares over `labels` (newline-separated, the snapshot's label set).
    labels = models.TextField(blank=True, default="")
    vectors = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["exhibit_id"]

    def __str__(self) -> str:
        return f"Emotion profile of exhibit {self.exhibit_id}"

    def hold(self, snapshot: disclosure.ProfileSnapshot) -> None:
        """Take `snapshot` as this profile's published numbers, JSON and vectors alike."""
        self.visitors, self.shares, self.top_shares = snapshot.visitors, snapshot.shares, snapshot.top_shares
        self.labels, self.vectors = encode_vectors(snapshot)


def encode_vectors(snapshot: disclosure.ProfileSnapshot) -> tuple[str, bytes]:
    """(labels, vectors) fields of a snapshot over its own label set; ("", b"") while it publishes nothing."""
    labels = list(snapshot.shares)
    if not labels:
        return "", b""
    if any(LABEL_SEPARATOR in label for label in labels):
        raise ValueError(f"An emotion label cannot contain {LABEL_SEPARATOR!r}: {list(labels)}")
    values = [float(snapshot.shares.get(label, 0.0)) for label in labels]
    values += [float(snapshot.top_shares.get(label, 0.0)) for label in labels]
    return LABEL_SEPARATOR.join(labels), np.asarray(values, dtype="<f8").tobytes()


def decode_vectors(labels: str, vectors: bytes) -> tuple[tuple[str, ...], npt.NDArray[np.float64]]:
    """The stored labels and an (R, 2, L) array of R profiles' vectors stored over them (concatenated):
    per profile its shares, then its top shares."""
    if not labels:
        return (), np.zeros((0, 2, 0))
    names = tuple(labels.split(LABEL_SEPARATOR))
    return names, np.frombuffer(vectors, dtype="<f8").reshape(-1, 2, len(names))


class VenueProfileVersion(models.Model):
    """Per venue, a counter bumped in the transaction that publishes (or deletes) any of its exhibits' snapshots.

    Together with `Venue.catalogue_version` it keys the per-process cache of the venue's ranking inputs
    (`recommendations.selectors.venue_ranking_data`): a request reads both in one query and reloads only
    what changed, so it never sees an older snapshot than the database holds.
    """

    venue = models.OneToOneField(
        "exhibits.Venue", on_delete=models.CASCADE, primary_key=True, related_name="profile_version"
    )
    version = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["venue_id"]

    def __str__(self) -> str:
        return f"Profile version {self.version} of venue {self.venue_id}"
