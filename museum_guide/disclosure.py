"""Disclosure control: the rules every aggregate of visitors' expressions obeys on its way out.

Exhibit profiles (API, recommendations, routes, admin), reports (JSON, CSV, dashboard, top exhibits)
and the admin's charts take their numbers through the functions here; nothing else decides what may
be shown. Two mechanisms, one per kind of release (docs/ARCHITECTURE.md, "Privacy"):

- Reports, for signed-in analysts, are computed on request with any filters. A group shows numbers
  only when at least `k` distinct visitors contributed (`min_group_size`); inside a shown group, an
  emotion cell with 1..k-1 visitors is withheld together with the smallest safe cell, so that the
  total minus the shown cells adds up at least `k` people. Every count shown carries a small
  deterministic perturbation (the cell-key method of the Australian Bureau of Statistics'
  TableBuilder): each event gets a secret random key; a cell's offset in -NOISE_RANGE..+NOISE_RANGE
  follows from the sum of its events' keys. The same cell always shows the same numbers (asking again
  averages nothing away), while a difference of two overlapping cells (a hall minus its shown
  exhibits, ten days minus nine) carries the sum of independent offsets, so it cannot pin down how
  many events a small group had.
- Public exhibit profiles, readable by anybody and often, are snapshots: a new one is published only
  when at least `k` distinct visitors contributed since the last one, each visitor weighs once
  (the mean of their selfies there), shares are rounded to SHARE_STEP and visitor counts are shown
  as buckets. Two reads around one visitor's selfie return the same snapshot.

Framework-free apart from reading settings, so offline evaluations use the very same rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Largest perturbation of a reported count (uniform over -2..+2).
NOISE_RANGE = 2
# Published profile shares are multiples of this.
SHARE_STEP = 0.01
# Published visitor counts are the largest of these not above the true count (below k: 0).
_BUCKET_STEPS = (1, 2, 5)


def min_group_size() -> int:
    """`k`: the fewest distinct visitors a published number may describe (settings.REPORT_MIN_GROUP_SIZE)."""
    from django.conf import settings

    return max(1, int(getattr(settings, "REPORT_MIN_GROUP_SIZE", 5)))


# --- Reports -------------------------------------------------------------------------------------


def record_key_prefix() -> str:
    """The secret that keys are derived from (the project's SECRET_KEY), so nobody outside can recompute them."""
    from django.conf import settings

    return f"{settings.SECRET_KEY}:report-cell-key:"


def record_key(event_id: int, prefix: str | None = None) -> int:
    """The per-event key (0 .. 2**31-1) a report row carries: the first 31 bits of md5(secret prefix + id).

    MD5 because PostgreSQL computes the very same value in SQL when it rebuilds rows in bulk
    (`reports.services`); the keys only need to be unpredictable, not collision-resistant.
    """
    text = (record_key_prefix() if prefix is None else prefix) + str(event_id)
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:4], "big") & 0x7FFFFFFF


def perturbed(count: int, key_sum: int, *, salt: int = 0) -> int:
    """`count` plus the cell's offset (-NOISE_RANGE..+NOISE_RANGE) drawn from its events' key sum; never below 0.

    Integer key sums make the offset exact: the same set of events gives the same offset in any query.
    `salt` picks an independent offset for a second number of the same cell (its visitors).
    """
    width = 2 * NOISE_RANGE + 1
    offset = (key_sum // width**salt) % width - NOISE_RANGE
    return max(0, count + offset)


def withheld_cells(visitors: Mapping[str, int], k: int) -> set[str]:
    """Cells of one group (emotion -> distinct visitors) whose numbers must not be shown.

    A cell seen by 1..k-1 visitors is withheld, and then also the smallest cell with at least `k`
    (complementary suppression): the group's total minus its shown cells then always covers `k` people.
    The decision depends on the group's own cells only, so every query that shows this group (any
    grouping, an emotion filter, a narrower place filter) withholds the same cells.
    """
    small = {label for label, n in visitors.items() if 0 < n < k}
    if not small:
        return set()
    safe = sorted((n, label) for label, n in visitors.items() if n >= k)
    return small | ({safe[0][1]} if safe else set())


# --- Public exhibit profiles -----------------------------------------------------------------------


def visitor_bucket(visitors: int, k: int) -> int:
    """A visitor count as published: 0 below `k`, else the largest of k, 10, 20, 50, 100, 200, 500 ... not above it."""
    if visitors < k:
        return 0
    bucket, scale = k, 10
    while True:
        for step in _BUCKET_STEPS:
            candidate = step * scale
            if candidate > visitors:
                return bucket
            bucket = max(bucket, candidate)
        scale *= 10


def rounded_shares(shares: Mapping[str, float], labels: Sequence[str]) -> dict[str, float]:
    """Shares rounded to SHARE_STEP (each label present; they may sum to 1 +- a few steps)."""
    return {label: round(round(float(shares.get(label, 0.0)) / SHARE_STEP) * SHARE_STEP, 2) for label in labels}


def profile_publication_due(*, new_visitors: int, k: int) -> bool:
    """A new snapshot of an exhibit's profile is due once `k` distinct visitors came since the last one.

    (The snapshot then holds at least those `k`, so it never describes fewer.)
    """
    return new_visitors >= k


@dataclass(frozen=True)
class ProfileSnapshot:
    """What an exhibit's public profile says: the rounded visitor part, kept apart from the curators' prior."""

    visitors: int  # exact distinct visitors (stored, never shown)
    shares: dict[str, float]  # mean over visitors of each visitor's mean score vector, rounded
    top_shares: dict[str, float]  # share of visitors whose strongest expression it was, rounded


def profile_snapshot(per_visitor: Sequence[Mapping[str, float]], labels: Sequence[str]) -> ProfileSnapshot:
    """The snapshot of one exhibit from each visitor's mean score vector there (one vector per person)."""
    n = len(per_visitor)
    if n == 0:
        return ProfileSnapshot(visitors=0, shares={}, top_shares={})
    sums = dict.fromkeys(labels, 0.0)
    tops = dict.fromkeys(labels, 0.0)
    for vector in per_visitor:
        for label in labels:
            sums[label] += float(vector.get(label, 0.0))
        tops[max(labels, key=lambda label: float(vector.get(label, 0.0)))] += 1.0
    return ProfileSnapshot(
        visitors=n,
        shares=rounded_shares({label: total / n for label, total in sums.items()}, labels),
        top_shares=rounded_shares({label: count / n for label, count in tops.items()}, labels),
    )
