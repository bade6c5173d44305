"""Extension point: other apps supply per-exhibit statistics without `exhibits` importing them.

The exhibit detail endpoint shows what visitors' expressions there add up to (the published profile
snapshot: `visitors`, `visitor_emotions`, `emotion_profile`). It comes from the recommendations app,
which `exhibits` must not import (see docs/ARCHITECTURE.md). So the emotions app registers a provider
at ready time:

    # emotions/apps.py
    def ready(self) -> None:
        from exhibits.extensions import ExhibitStats, register_exhibit_stats_provider
        register_exhibit_stats_provider(emotions.selectors.exhibit_stats)

A provider takes exhibit ids and returns `{exhibit_id: ExhibitStats}` in a constant number of queries;
ids it omits get `EMPTY_EXHIBIT_STATS` (nothing published). Without a provider every exhibit
shows `visitors=0`, `visitor_emotions=null` and `emotion_profile={}`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType


@dataclass(frozen=True)
class ExhibitStats:
    """What visitors' expressions at an exhibit add up to, as published (never the live events)."""

    # Distinct visitors behind the published snapshot, as a bucket (0: nothing published yet).
    visitors: int = 0
    # The profile recommendations use: visitors' part blended with the curators' prior, {label: share}.
    emotion_profile: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    # What visitors showed (the snapshot alone), {label: share}; None before the first publication.
    visitor_emotions: Mapping[str, float] | None = None
    published_at: datetime | None = None


EMPTY_EXHIBIT_STATS = ExhibitStats()

ExhibitStatsProvider = Callable[[Sequence[int]], Mapping[int, ExhibitStats]]

_provider: ExhibitStatsProvider | None = None


def register_exhibit_stats_provider(provider: ExhibitStatsProvider | None) -> ExhibitStatsProvider | None:
    """Install the provider (None removes it); returns the previous one so tests can restore it."""
    global _provider
    previous, _provider = _provider, provider
    return previous


def exhibit_stats_for(exhibit_ids: Sequence[int]) -> dict[int, ExhibitStats]:
    """Statistics for each id, `EMPTY_EXHIBIT_STATS` where the provider has none (or none is registered)."""
    found = _provider(exhibit_ids) if _provider is not None and exhibit_ids else {}
    return {pk: found.get(pk, EMPTY_EXHIBIT_STATS) for pk in exhibit_ids}


# --- Emotion labels ------------------------------------------------------------------------------
# The admin's curators' prior form asks for one weight per label of the active emotion model; the
# label set belongs to the emotions app's checkpoint, which `exhibits` must not import either.

EmotionLabelsProvider = Callable[[], Sequence[str]]

_labels_provider: EmotionLabelsProvider | None = None


def register_emotion_labels_provider(provider: EmotionLabelsProvider | None) -> EmotionLabelsProvider | None:
    """Install the provider of the active model's labels (None removes it); returns the previous one."""
    global _labels_provider
    previous, _labels_provider = _labels_provider, provider
    return previous


def emotion_labels() -> tuple[str, ...]:
    """The active model's labels in its output order; () when no provider is registered."""
    return tuple(_labels_provider()) if _labels_provider is not None else ()
