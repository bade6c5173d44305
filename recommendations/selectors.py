"""Reads: exhibit emotion profiles, the ranking inputs of a venue and next-exhibit recommendations.

Per request: a handful of indexed queries over exhibits (about 200 rows), the published profile
snapshots, the cached walking matrix and the visitor's own recent events; never an aggregate over all
events, so nothing a visitor is shown moves with one other visitor's selfie (museum_guide.disclosure).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from django.conf import settings
from django.db.models import F
from rest_framework import status

from emotions.models import Capture, EmotionEvent, Visitor
from exhibits.extensions import ExhibitStats
from exhibits.models import Exhibit, Venue, reference_q
from exhibits.walking import walking_matrix
from museum_guide import disclosure
from museum_guide.api_errors import ApiError
from recommendations import ranking
from recommendations.models import ExhibitEmotionProfile, decode_vectors
from recommendations.ranking import BoolArray, FloatArray, IntArray, RankingWeights

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
_A = TypeVar("_A", bound=np.ndarray[Any, Any])

# A visitor's sensitivity is estimated from at most this many of their latest events.
VISITOR_EVENTS_FOR_SENSITIVITY = 500


def model_labels() -> tuple[str, ...]:
    """Emotion labels of the active model (the product's label set); 503 model_unavailable without one."""
    from emotions.services import model_labels as active_model_labels

    return active_model_labels()


def labels_or_seen(*seen: Any) -> tuple[str, ...]:
    """The active model's labels; if no model can be loaded (a fresh checkout), the labels in `seen` maps."""
    try:
        return model_labels()
    except Exception:  # a missing or broken checkpoint must not take the catalogue down with it
        logger.warning("emotion model unavailable; profiles use the labels found in stored data", exc_info=True)
        return tuple(sorted({str(label) for mapping in seen for label in (mapping or {})}))


def exhibit_profile(
    sums: dict[str, float] | None, n_events: int, prior: dict[str, float] | None, labels: Sequence[str]
) -> dict[str, float]:
    """An exhibit's smoothed profile {label: share} from {label: shares x visitors} and the curators' prior."""
    return ranking.profile_from_sums(
        sums or {},
        n_events,
        prior,
        labels=labels,
        strength=settings.RECOMMENDATIONS_PRIOR_STRENGTH,
        confidence=settings.RECOMMENDATIONS_PRIOR_CONFIDENCE,
    )


def ranking_weights() -> RankingWeights:
    """The ranker's trade-offs from settings."""
    return RankingWeights(
        walk_penalty_per_minute=settings.RECOMMENDATIONS_WALK_PENALTY_PER_MINUTE,
        exploration=settings.RECOMMENDATIONS_EXPLORATION,
        diversity=settings.RECOMMENDATIONS_DIVERSITY,
        prior_strength=settings.RECOMMENDATIONS_PRIOR_STRENGTH,
        prior_confidence=settings.RECOMMENDATIONS_PRIOR_CONFIDENCE,
        sensitivity_strength=settings.RECOMMENDATIONS_SENSITIVITY_STRENGTH,
    )


def published_evidence(visitors: int | None, shares: dict[str, float] | None) -> tuple[int, dict[str, float]]:
    """A snapshot as the public may see it: (visitor bucket, shares), or (0, {}) while nothing is published."""
    bucket = disclosure.visitor_bucket(visitors or 0, disclosure.min_group_size())
    return (bucket, dict(shares or {})) if bucket and shares else (0, {})


def exhibit_profile_stats(exhibit_ids: Sequence[int]) -> dict[int, ExhibitStats]:
    """The exhibits stats provider: the published snapshot and its blend with the prior, in one query."""
    rows = list(
        Exhibit.objects.filter(pk__in=list(exhibit_ids)).values_list(
            "pk",
            "expected_emotions",
            "emotion_profile_stats__visitors",
            "emotion_profile_stats__shares",
            "emotion_profile_stats__published_at",
        )
    )
    labels = labels_or_seen(*(row[1] for row in rows), *(row[3] for row in rows))
    stats = {}
    for pk, prior, visitors, shares, published_at in rows:
        bucket, shown = published_evidence(visitors, shares)
        sums = {label: share * bucket for label, share in shown.items()}
        stats[pk] = ExhibitStats(
            visitors=bucket,
            emotion_profile={
                label: round(share, 2) for label, share in exhibit_profile(sums, bucket, prior, labels).items()
            },
            visitor_emotions=shown or None,
            published_at=published_at if shown else None,
        )
    return stats


def exhibit_resolve(reference: str | int, *, field: str = "exhibit") -> Exhibit:
    """An exhibit on display by primary key or slug; 400 `unknown_exhibit` or 409 `exhibit_inactive` naming the field.

    An exhibit taken off display cannot start, end or anchor a visit, as it cannot take a selfie either.
    """
    text = str(reference).strip()
    # The venue's versions come along (one query, not three): they key the cached ranking inputs and
    # walking matrix, and are read before those inputs as venue_ranking_data requires.
    exhibit = (
        Exhibit.objects.select_related("hall")
        .annotate(
            venue_catalogue_version=F("hall__venue__catalogue_version"),
            venue_profile_version=F("hall__venue__profile_version__version"),
            venue_graph_version=F("hall__venue__graph_version"),
        )
        .filter(reference_q(text))
        .first()
    )
    if exhibit is None:
        raise ApiError("unknown_exhibit", f"{field}: there is no exhibit {text!r}.")
    if not exhibit.is_active:
        raise ApiError("exhibit_inactive", f"{field}: exhibit {text!r} is not on display.", status.HTTP_409_CONFLICT)
    return exhibit


def desired_emotions_resolve(
    emotions: Sequence[str] | None, visitor: Visitor, labels: Sequence[str]
) -> tuple[FloatArray, list[str]]:
    """The wish as a weight vector: the request's emotions, else the visitor's profile; 400 when unusable."""
    names = [name.strip().lower() for name in (emotions or []) if name and name.strip()]
    if not names:
        names = [str(name).lower() for name in (visitor.desired_emotions or [])]
    if not names:
        raise ApiError(
            "emotions_required",
            f"Say which expressions to look for (emotions=...), or set desired_emotions; one of: {', '.join(labels)}.",
        )
    try:
        return ranking.desired_vector(names, labels), names
    except ranking.UnknownEmotionError as exc:
        raise ApiError("unknown_emotion", str(exc)) from exc


@dataclass(frozen=True)
class ExhibitSummary:
    """What a client needs to show an exhibit in a list."""

    id: int
    title: str
    slug: str
    hall_id: int
    hall_name: str
    floor: int


@dataclass(frozen=True)
class VenueRankingData:
    """Ranking inputs for the active exhibits of one venue, row i = exhibits[i]."""

    venue_id: int
    labels: tuple[str, ...]
    language: str  # of titles, hall names and reason lines
    exhibits: list[ExhibitSummary]
    index: dict[int, int]
    profiles: FloatArray  # (N, L) smoothed, rows sum to 1
    top_label_shares: FloatArray  # (N, L) share of visitors whose strongest expression was each label
    visitors: FloatArray  # (N,) published visitor buckets (0: nothing published)
    dwell: FloatArray
    hall_ids: IntArray
    tags: BoolArray
    population_mean: FloatArray  # (L,) mean score vector over the venue's events

    def expected_emotions(self, row: int, digits: int = 3) -> dict[str, float]:
        """Row's smoothed profile as {label: share}, largest first."""
        pairs = sorted(zip(self.labels, self.profiles[row].tolist(), strict=True), key=lambda item: -item[1])
        return {label: round(share, digits) for label, share in pairs}


def _localized(value: str, translations: Any, language: str, field: str = "title") -> str:
    translated = ((translations or {}).get(language) or {}).get(field) if isinstance(translations, dict) else None
    return str(translated) if translated else value


@dataclass(frozen=True)
class VenueCatalogue:
    """The part of a venue's ranking inputs that only staff edits change (keyed by `Venue.catalogue_version`)."""

    exhibits: list[ExhibitSummary]
    index: dict[int, int]
    priors: FloatArray  # (N, L) curators' priors over the labels
    dwell: FloatArray
    hall_ids: IntArray
    tags: BoolArray


@dataclass(frozen=True)
class VenueEvidence:
    """The published snapshots of a venue's exhibits as the public sees them, rows as in its `VenueCatalogue`."""

    sums: FloatArray  # (N, L) shares x visitor bucket
    top_sums: FloatArray  # (N, L) top shares x visitor bucket
    visitors: FloatArray  # (N,) visitor buckets (0: nothing published)


# Per process, most recently used last: venue catalogues and whole ranking inputs, under keys that hold
# the versions they were loaded at (plus labels, language and settings), so a hit is always current.
_CACHE_SIZE = 64
_catalogues: OrderedDict[tuple[Any, ...], VenueCatalogue] = OrderedDict()
_ranking_data: OrderedDict[tuple[Any, ...], VenueRankingData] = OrderedDict()
_cache_lock = threading.Lock()


def clear_venue_cache() -> None:
    """Forget cached ranking inputs of this process (tests; memory pressure)."""
    with _cache_lock:
        _catalogues.clear()
        _ranking_data.clear()


def _cached(cache: OrderedDict[tuple[Any, ...], _T], key: tuple[Any, ...]) -> _T | None:
    with _cache_lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
        return found


def _remember(cache: OrderedDict[tuple[Any, ...], _T], key: tuple[Any, ...], value: _T) -> None:
    with _cache_lock:
        # Other versions of this venue's entry can never be asked for again.
        for stale in [other for other in cache if other[0] == key[0] and other[1:3] != key[1:3]]:
            del cache[stale]
        cache[key] = value
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)


def resolved_versions(exhibit: Exhibit) -> tuple[int, int]:
    """(catalogue version, published-profiles version) of the venue of an exhibit from `exhibit_resolve`."""
    return int(exhibit.venue_catalogue_version), int(exhibit.venue_profile_version or 0)  # type: ignore[attr-defined]


def resolved_graph_version(exhibit: Exhibit) -> int:
    """`Venue.graph_version` of the venue of an exhibit from `exhibit_resolve`."""
    return int(exhibit.venue_graph_version)  # type: ignore[attr-defined]


def venue_versions(venue_id: int) -> tuple[int, int]:
    """(catalogue version, published-profiles version) of a venue, in one indexed query."""
    row = Venue.objects.filter(pk=venue_id).values_list("catalogue_version", "profile_version__version").first()
    if row is None:
        raise Venue.DoesNotExist(f"No venue {venue_id}.")
    return int(row[0]), int(row[1] or 0)


def venue_ranking_data(
    venue_id: int, *, labels: Sequence[str], language: str = "", versions: tuple[int, int] | None = None
) -> VenueRankingData:
    """The venue's ranking inputs, cached per process until its catalogue or a published snapshot changes.

    While nothing changed a request costs no query when the caller passes the `versions` it has just read
    (`resolved_versions`), else one; after a snapshot is published only the snapshots' float vectors are
    read again (no JSON), after a staff edit the catalogue too.
    """
    # Versions first, data second: a concurrent change then at worst caches newer data under the older
    # versions, which nobody asks for once the change is committed.
    catalogue_version, profile_version = venue_versions(venue_id) if versions is None else versions
    labels = tuple(labels)
    strength, confidence = settings.RECOMMENDATIONS_PRIOR_STRENGTH, settings.RECOMMENDATIONS_PRIOR_CONFIDENCE
    k = disclosure.min_group_size()
    catalogue_key = (venue_id, catalogue_version, None, labels, language, confidence)
    key = (venue_id, catalogue_version, profile_version, labels, language, confidence, strength, k)
    data = _cached(_ranking_data, key)
    if data is not None:
        return data
    catalogue = _cached(_catalogues, catalogue_key)
    if catalogue is None:
        catalogue = load_venue_catalogue(venue_id, labels=labels, language=language)
        _remember(_catalogues, catalogue_key, catalogue)
    data = ranking_data_from(venue_id, labels, language, catalogue, load_venue_evidence(venue_id, catalogue, labels))
    _remember(_ranking_data, key, data)
    return data


def load_venue_ranking_data(venue_id: int, *, labels: Sequence[str], language: str = "") -> VenueRankingData:
    """The venue's ranking inputs read from the database now (no cache): three queries."""
    catalogue = load_venue_catalogue(venue_id, labels=labels, language=language)
    return ranking_data_from(
        venue_id, tuple(labels), language, catalogue, load_venue_evidence(venue_id, catalogue, labels)
    )


def load_venue_catalogue(venue_id: int, *, labels: Sequence[str], language: str = "") -> VenueCatalogue:
    """The venue's active exhibits, their priors and tags (two queries)."""
    rows = list(
        Exhibit.objects.filter(hall__venue_id=venue_id, is_active=True)
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "translations",
            "slug",
            "hall_id",
            "hall__name",
            "hall__translations",
            "hall__floor",
            "dwell_minutes",
            "expected_emotions",
        )
    )
    ids = [row[0] for row in rows]
    index = {pk: i for i, pk in enumerate(ids)}
    confidence = settings.RECOMMENDATIONS_PRIOR_CONFIDENCE
    exhibits = [
        ExhibitSummary(
            pk,
            _localized(title, translations, language),
            slug,
            hall_id,
            _localized(hall_name, hall_translations, language, "name"),
            floor,
        )
        for pk, title, translations, slug, hall_id, hall_name, hall_translations, floor, _dwell, _prior in rows
    ]
    priors = np.zeros((len(rows), len(labels)))
    for i, row in enumerate(rows):
        priors[i] = ranking.prior_vector(row[9], labels, confidence)
    tag_pairs = list(Exhibit.tags.through.objects.filter(exhibit_id__in=ids).values_list("exhibit_id", "tag_id"))
    tag_index = {tag: t for t, tag in enumerate(sorted({tag for _, tag in tag_pairs}))}
    tags = np.zeros((len(rows), len(tag_index)), dtype=bool)
    for exhibit_id, tag_id in tag_pairs:
        tags[index[exhibit_id], tag_index[tag_id]] = True
    return VenueCatalogue(
        exhibits=exhibits,
        index=index,
        priors=_frozen(priors),
        dwell=_frozen(np.array([float(row[8]) for row in rows])),
        hall_ids=_frozen(np.array([row[4] for row in rows], dtype=np.int64)),
        tags=_frozen(tags),
    )


def load_venue_evidence(venue_id: int, catalogue: VenueCatalogue, labels: Sequence[str]) -> VenueEvidence:
    """The published snapshots of the catalogue's exhibits from their float vectors (one query, no JSON)."""
    n, size = len(catalogue.exhibits), len(labels)
    sums, top, counts = np.zeros((n, size)), np.zeros((n, size)), np.zeros(n)
    k = disclosure.min_group_size()
    rows = ExhibitEmotionProfile.objects.filter(exhibit__hall__venue_id=venue_id, exhibit__is_active=True).values_list(
        "exhibit_id", "visitors", "labels", "vectors"
    )
    # Rows grouped by their snapshot's label set: one for all, unless snapshots of another model remain.
    groups: dict[str, tuple[list[int], list[int], list[bytes | memoryview]]] = {}
    for exhibit_id, visitors, stored_labels, vectors in rows:
        i = catalogue.index.get(exhibit_id)
        # Only the published snapshot, as the public sees it: shares x bucketed visitors act as the sums.
        bucket = disclosure.visitor_bucket(visitors or 0, k)
        if i is not None and bucket and stored_labels:
            group = groups.setdefault(stored_labels, ([], [], []))
            group[0].append(i)
            group[1].append(bucket)
            group[2].append(vectors)
    for stored_labels, (positions, buckets, blobs) in groups.items():
        names, block = decode_vectors(stored_labels, b"".join(blobs))
        where = {name: j for j, name in enumerate(names)}
        source = [where[label] for label in labels if label in where]
        target = [j for j, label in enumerate(labels) if label in where]
        weights = np.array(buckets)[:, np.newaxis]
        sums[np.ix_(positions, target)] = block[:, 0, source] * weights
        top[np.ix_(positions, target)] = block[:, 1, source] * weights
        counts[positions] = buckets
    return VenueEvidence(sums=sums, top_sums=top, visitors=counts)


def ranking_data_from(
    venue_id: int, labels: tuple[str, ...], language: str, catalogue: VenueCatalogue, evidence: VenueEvidence
) -> VenueRankingData:
    """Blend a catalogue's priors with its published evidence into the ranker's inputs."""
    n, size = len(catalogue.exhibits), len(labels)
    sums, counts = evidence.sums, evidence.visitors
    strength = settings.RECOMMENDATIONS_PRIOR_STRENGTH
    profiles = ranking.smoothed_profiles(sums, counts, catalogue.priors, strength) if n else np.zeros((0, size))
    total = counts.sum()
    population = sums.sum(axis=0) / total if total > 0 else (profiles.mean(axis=0) if n else np.ones(size) / size)
    return VenueRankingData(
        venue_id=venue_id,
        labels=labels,
        language=language,
        exhibits=catalogue.exhibits,
        index=catalogue.index,
        profiles=_frozen(profiles),
        top_label_shares=_frozen(evidence.top_sums / np.maximum(counts, 1.0)[:, np.newaxis]),
        visitors=_frozen(counts),
        dwell=catalogue.dwell,
        hall_ids=catalogue.hall_ids,
        tags=catalogue.tags,
        population_mean=_frozen(np.asarray(population, dtype=np.float64)),
    )


def _frozen(array: _A) -> _A:
    """The array made read-only: cached inputs are shared by every request of the process."""
    array.setflags(write=False)
    return array


def visitor_visited_exhibit_ids(visitor: Visitor) -> set[int]:
    """Exhibits the visitor has taken a selfie at (whatever the outcome)."""
    return set(Capture.objects.filter(visitor=visitor).values_list("exhibit_id", flat=True).distinct())


def visitor_sensitivity(visitor: Visitor, data: VenueRankingData) -> FloatArray | None:
    """Per label, how much more or less than average this visitor shows the expression (None: no events)."""
    recent = EmotionEvent.objects.filter(visitor=visitor).order_by("-created_at")[:VISITOR_EVENTS_FOR_SENSITIVITY]
    sums, count = np.zeros(len(data.labels)), 0
    for scores in recent.values_list("scores", flat=True):
        sums += ranking.sums_vector(scores, data.labels)
        count += 1
    if count == 0:
        return None
    return ranking.visitor_sensitivity(sums, count, data.population_mean, settings.RECOMMENDATIONS_SENSITIVITY_STRENGTH)


@dataclass(frozen=True)
class Recommendation:
    """One recommended next exhibit."""

    exhibit: ExhibitSummary
    score: float
    walking_minutes: float
    expected_emotions: dict[str, float]
    reason: str
    personal_reason: str = ""  # what the visitor's own readings changed here; empty where they changed nothing


def reason_for(data: VenueRankingData, row: int, label: str) -> str:
    """The reason line of a row: shares of top labels once there is evidence, the prior before."""
    shares = data.top_label_shares[row] if data.visitors[row] > 0 else data.profiles[row]
    return ranking.reason_line(
        label=label,
        profile=shares,
        labels=data.labels,
        n_events=int(data.visitors[row]),
        min_evidence=settings.RECOMMENDATIONS_MIN_EVIDENCE,
        language=data.language,
    )


def recommendations_for(
    *,
    visitor: Visitor,
    from_exhibit: str | int,
    emotions: Sequence[str] | None = None,
    limit: int = 5,
    step_free: bool = False,
) -> list[Recommendation]:
    """Next exhibits for a visitor standing at `from_exhibit`, best first, never one already visited."""
    labels = model_labels()
    current = exhibit_resolve(from_exhibit, field="from_exhibit")
    desired, _names = desired_emotions_resolve(emotions, visitor, labels)
    venue_id = current.hall.venue_id
    data = venue_ranking_data(venue_id, labels=labels, language=visitor.language, versions=resolved_versions(current))
    n = len(data.exhibits)
    if n == 0:
        return []
    matrix = walking_matrix(venue_id, step_free=step_free, graph_version=resolved_graph_version(current))
    origin = matrix.index_of(current.pk)
    if origin is None:
        raise ApiError("unknown_exhibit", "from_exhibit: not part of a walking graph.", status.HTTP_400_BAD_REQUEST)
    columns = np.array([matrix.index_of(e.id) for e in data.exhibits], dtype=np.intp)
    walking = np.asarray(matrix.minutes[origin, columns], dtype=np.float64)
    eligible = np.ones(n, dtype=bool)
    for pk in visitor_visited_exhibit_ids(visitor) | {current.pk}:
        if pk in data.index:
            eligible[data.index[pk]] = False
    rank = functools.partial(
        ranking.rank,
        profiles=data.profiles,
        desired=desired,
        labels=data.labels,
        n_events=data.visitors,
        walking_minutes=walking,
        eligible=eligible,
        hall_ids=data.hall_ids,
        tags=data.tags,
        limit=limit,
        weights=ranking_weights(),
    )
    sensitivity = visitor_sensitivity(visitor, data)
    items = rank(sensitivity=sensitivity)
    # The same ranking without the visitor's readings says what those readings changed.
    lifted = ranking.moved_up(items, rank()) if sensitivity is not None else set()
    return [
        Recommendation(
            exhibit=data.exhibits[item.index],
            score=round(item.score, 4),
            walking_minutes=round(float(walking[item.index]), 1),
            expected_emotions=data.expected_emotions(item.index),
            reason=reason_for(data, item.index, item.label),
            personal_reason=(
                ranking.personal_line(
                    label=item.label, sensitivity=sensitivity, labels=data.labels, language=data.language
                )
                if sensitivity is not None and item.index in lifted
                else ""
            ),
        )
        for item in items
    ]
