"""Extension point: other apps supply per-exhibit statistics without `exhibits` importing them.

The exhibit detail endpoint shows `n_events` and `emotion_profile`. They come from the emotions app,
which `exhibits` must not import (see docs/ARCHITECTURE.md). So the emotions app registers a provider
at ready time:

    # emotions/apps.py
    def ready(self) -> None:
        from exhibits.extensions import ExhibitStats, register_exhibit_stats_provider
        register_exhibit_stats_provider(emotions.selectors.exhibit_stats)

A provider takes exhibit ids and returns `{exhibit_id: ExhibitStats}` in a constant number of queries;
ids it omits get `EMPTY_EXHIBIT_STATS` (0 events, empty profile). Without a provider every exhibit
shows `n_events=0` and `emotion_profile={}`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class ExhibitStats:
    """What visitors' expressions at an exhibit add up to."""

    n_events: int = 0
    # Share of events per emotion label, e.g. {"happy": 0.62, "surprise": 0.21, ...}.
    emotion_profile: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


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
