"""Framework-free next-exhibit ranking over arrays: profiles, desired emotions, walking, diversity.

Shapes: N exhibits, L emotion labels (the active model's label set, in its order), T tags.
Every score is in "probability of the desired expression" units so that the weights below read as
trade-offs a curator can reason about (e.g. 0.005 per walking minute: 10 minutes cost 5 points).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# How the reason line names an expression; unknown labels (a future model) fall back to the label itself.
EXPRESSION_ADJECTIVES: dict[str, str] = {
    "angry": "angry",
    "anger": "angry",
    "disgust": "disgusted",
    "fear": "fearful",
    "happy": "happy",
    "happiness": "happy",
    "neutral": "neutral",
    "sad": "sad",
    "sadness": "sad",
    "surprise": "surprised",
    "contempt": "contemptuous",
}


# The same for Russian reason lines, in the instrumental plural they need ("выглядели радостными").
EXPRESSION_ADJECTIVES_RU: dict[str, str] = {
    "angry": "сердитыми",
    "anger": "сердитыми",
    "disgust": "брезгливыми",
    "fear": "испуганными",
    "happy": "радостными",
    "happiness": "радостными",
    "neutral": "спокойными",  # the app calls it "Спокойствие" / "спокойное"
    "sad": "грустными",
    "sadness": "грустными",
    "surprise": "удивлёнными",
    "contempt": "презрительными",
}
# Reason lines per language (a language without its own lines reads English).
REASON_LINES: dict[str, dict[str, str]] = {
    "en": {
        "new": "New to our data: curators expect visitors to look {adjective} here.",
        "most": "Most visitors looked {adjective} here.",
        "top": "Visitors most often looked {adjective} here ({percent}%).",
        "share": "{percent}% of visitors looked {adjective} here.",
    },
    "ru": {
        "new": "Пока мало данных: по мнению кураторов, посетители выглядят здесь {adjective}.",
        "most": "Большинство посетителей выглядели здесь {adjective}.",
        "top": "Чаще всего посетители выглядели здесь {adjective} ({percent}%).",
        "share": "{percent}% посетителей выглядели здесь {adjective}.",
    },
}
_ADJECTIVES_BY_LANGUAGE = {"ru": EXPRESSION_ADJECTIVES_RU}
# What the visitor's own readings changed: said only of an exhibit they moved into the list or up it.
PERSONAL_LINES: dict[str, dict[str, str]] = {
    "en": {
        "more": "In your photos so far you looked {adjective} more often than most visitors, so this moved up.",
        "other": "Your photos so far moved this up the list.",
    },
    "ru": {
        "more": "По вашим фото вы чаще других посетителей выглядели {adjective}, поэтому этот экспонат выше.",
        "other": "Ваши фото помогли поднять этот экспонат выше в списке.",
    },
}


class UnknownEmotionError(ValueError):
    """An emotion name that is not one of the active model's labels."""

    def __init__(self, names: Sequence[str], labels: Sequence[str]) -> None:
        self.names = list(names)
        super().__init__(f"Unknown emotion(s) {', '.join(names)}; expected some of: {', '.join(labels)}.")


@dataclass(frozen=True)
class RankingWeights:
    """Trade-offs of the ranker; all in probability-of-desired-expression units."""

    walk_penalty_per_minute: float = 0.004
    exploration: float = 0.03  # UCB-style bonus scale for exhibits with little evidence
    diversity: float = 0.15  # MMR: weight of the similarity to items already picked
    hall_similarity: float = 0.5  # share of the similarity that is "same hall"
    prior_strength: float = 5.0  # pseudo-events of the curators' prior in the smoothed profile
    prior_confidence: float = 0.5  # curators' prior vs uniform inside those pseudo-events
    sensitivity_strength: float = 10.0  # pseudo-events pulling a visitor's sensitivity towards 1


@dataclass(frozen=True)
class RankedItem:
    """One ranked exhibit: its row index, final score and what the reason line needs."""

    index: int
    score: float
    relevance: float
    bonus: float
    label: str


def prior_vector(weights: Mapping[str, float] | None, labels: Sequence[str], confidence: float = 1.0) -> FloatArray:
    """Curators' {label: weight} prior as a distribution over `labels`; uniform when empty or unusable.

    `confidence` < 1 mixes in the uniform distribution: curators' weights say what an exhibit is
    meant to evoke, not calibrated shares of faces, so {"happy": 1} must not claim 100% smiles.
    """
    vector = np.zeros(len(labels), dtype=np.float64)
    for i, label in enumerate(labels):
        value = (weights or {}).get(label, 0.0)
        if isinstance(value, int | float) and math.isfinite(value) and value > 0:
            vector[i] = float(value)
    total = vector.sum()
    uniform = np.full(len(labels), 1.0 / max(len(labels), 1))
    if total <= 0:
        return uniform
    return np.asarray(confidence * vector / total + (1.0 - confidence) * uniform, dtype=np.float64)


def sums_vector(sums: Mapping[str, float] | None, labels: Sequence[str]) -> FloatArray:
    """A stored {label: running sum} as a vector over `labels` (missing labels count as zero)."""
    return np.array([float((sums or {}).get(label, 0.0)) for label in labels], dtype=np.float64)


def smoothed_profiles(score_sums: FloatArray, counts: FloatArray, priors: FloatArray, strength: float) -> FloatArray:
    """Posterior-mean profiles: (sum of score vectors + strength * prior) / (n + strength), rows sum to 1."""
    sums = np.atleast_2d(np.asarray(score_sums, dtype=np.float64))
    n = np.asarray(counts, dtype=np.float64).reshape(-1, 1)
    profiles = (sums + strength * np.atleast_2d(priors)) / np.maximum(n + strength, 1e-12)
    # Score vectors of different model versions may not sum to exactly one over today's labels.
    totals = profiles.sum(axis=1, keepdims=True)
    uniform = np.full_like(profiles, 1.0 / profiles.shape[1])
    return np.asarray(np.divide(profiles, totals, out=uniform, where=totals > 0), dtype=np.float64)


def profile_from_sums(
    sums: Mapping[str, float],
    n_events: int,
    prior: Mapping[str, float] | None,
    *,
    labels: Sequence[str],
    strength: float,
    confidence: float,
) -> dict[str, float]:
    """Smoothed {label: share} over `labels` from stored running sums and the curators' prior."""
    if not labels:
        return {}
    profile = smoothed_profiles(
        sums_vector(sums, labels)[np.newaxis, :],
        np.array([float(n_events)]),
        prior_vector(prior, labels, confidence),
        strength,
    )[0]
    return {label: float(share) for label, share in zip(labels, profile, strict=True)}


def desired_vector(emotions: Mapping[str, float] | Sequence[str], labels: Sequence[str]) -> FloatArray:
    """Desired emotions (names, or {name: weight}) as a weight vector over `labels` summing to 1."""
    weights = dict(emotions) if isinstance(emotions, Mapping) else {name: 1.0 for name in emotions}
    unknown = [name for name in weights if name not in labels]
    if unknown:
        raise UnknownEmotionError(unknown, labels)
    vector = np.array([max(float(weights.get(label, 0.0)), 0.0) for label in labels], dtype=np.float64)
    total = vector.sum()
    if total <= 0:
        raise ValueError("At least one desired emotion needs a positive weight.")
    return np.asarray(vector / total, dtype=np.float64)


def visitor_sensitivity(
    visitor_sums: FloatArray, visitor_count: float, population_mean: FloatArray, strength: float
) -> FloatArray:
    """How much more (>1) or less (<1) than the average visitor this visitor shows each expression.

    The visitor's mean score per label is shrunk towards the population mean with `strength`
    pseudo-events, so a visitor with two selfies stays close to 1 everywhere.
    """
    population = np.maximum(np.asarray(population_mean, dtype=np.float64), 1e-6)
    mean = (np.asarray(visitor_sums, dtype=np.float64) + strength * population) / (visitor_count + strength)
    return np.asarray(np.clip(mean / population, 0.2, 5.0), dtype=np.float64)


def personalised_profiles(profiles: FloatArray, sensitivity: FloatArray | None) -> FloatArray:
    """Tilt each exhibit's profile by the visitor's sensitivity and renormalise (their expected expressions)."""
    if sensitivity is None:
        return profiles
    tilted = profiles * sensitivity[np.newaxis, :]
    return np.asarray(tilted / np.maximum(tilted.sum(axis=1, keepdims=True), 1e-12), dtype=np.float64)


def exploration_bonus(n_events: FloatArray, total_events: float, scale: float, strength: float) -> FloatArray:
    """UCB-style optimism: large for exhibits with few events, vanishing as evidence accumulates."""
    n = np.asarray(n_events, dtype=np.float64)
    return scale * np.sqrt(math.log1p(max(total_events, 0.0)) / (n + strength))


def tag_jaccard(tags: BoolArray, row: int) -> FloatArray:
    """Jaccard similarity of every exhibit's tag set to the tag set of exhibit `row`."""
    if tags.shape[1] == 0:
        return np.zeros(tags.shape[0])
    matrix = tags.astype(np.float64)
    inter = matrix @ matrix[row]
    union = matrix.sum(axis=1) + matrix[row].sum() - inter
    return np.asarray(np.divide(inter, union, out=np.zeros_like(inter), where=union > 0), dtype=np.float64)


def mmr_select(
    scores: FloatArray,
    eligible: BoolArray,
    hall_ids: IntArray,
    tags: BoolArray,
    limit: int,
    diversity: float,
    hall_similarity: float,
) -> list[int]:
    """Greedy maximal-marginal-relevance selection: score minus `diversity` x max similarity to picks."""
    remaining = np.asarray(eligible, dtype=bool).copy()
    max_similarity = np.zeros(scores.shape[0])
    picked: list[int] = []
    for _ in range(min(limit, int(remaining.sum()))):
        adjusted = np.where(remaining, scores - diversity * max_similarity, -np.inf)
        best = int(np.argmax(adjusted))
        picked.append(best)
        remaining[best] = False
        similarity = hall_similarity * (hall_ids == hall_ids[best]) + (1 - hall_similarity) * tag_jaccard(tags, best)
        np.maximum(max_similarity, similarity, out=max_similarity)
    return picked


def relevance_scores(profiles: FloatArray, desired: FloatArray) -> FloatArray:
    """Expected probability that a visit shows one of the desired expressions (weighted), per exhibit."""
    return np.asarray(profiles @ desired, dtype=np.float64)


def rank(
    *,
    profiles: FloatArray,
    desired: FloatArray,
    labels: Sequence[str],
    n_events: FloatArray,
    walking_minutes: FloatArray,
    eligible: BoolArray,
    hall_ids: IntArray,
    tags: BoolArray,
    limit: int,
    weights: RankingWeights,
    sensitivity: FloatArray | None = None,
) -> list[RankedItem]:
    """Rank exhibits for a visitor: match, personalisation, walking cost, exploration, then MMR diversity."""
    expected = personalised_profiles(profiles, sensitivity)
    relevance = relevance_scores(expected, desired)
    bonus = exploration_bonus(n_events, float(np.sum(n_events)), weights.exploration, weights.prior_strength)
    walking = np.where(np.isfinite(walking_minutes), walking_minutes, np.inf)
    scores = relevance + bonus - weights.walk_penalty_per_minute * walking
    usable = np.asarray(eligible, dtype=bool) & np.isfinite(scores)
    picked = mmr_select(scores, usable, hall_ids, tags, limit, weights.diversity, weights.hall_similarity)
    # The label behind each match: where desired weight times expected share is largest.
    contribution = expected * desired[np.newaxis, :]
    return [
        RankedItem(
            index=i,
            score=float(scores[i]),
            relevance=float(relevance[i]),
            bonus=float(bonus[i]),
            label=labels[int(np.argmax(contribution[i]))],
        )
        for i in picked
    ]


def expression_adjective(label: str, language: str = "en") -> str:
    """How a reason line names an expression label ("surprise" -> "surprised", in Russian "удивлёнными")."""
    return _ADJECTIVES_BY_LANGUAGE.get(language, EXPRESSION_ADJECTIVES).get(label, label)


def reason_line(
    *, label: str, profile: FloatArray, labels: Sequence[str], n_events: int, min_evidence: int, language: str = "en"
) -> str:
    """A one-line human reason in the reader's language, phrased as expressions the camera saw, never as felt."""
    if language not in REASON_LINES:
        language = "en"
    lines = REASON_LINES[language]
    adjective = expression_adjective(label, language)
    if n_events < min_evidence:
        return lines["new"].format(adjective=adjective)
    share = float(profile[list(labels).index(label)])
    percent = round(100 * share)
    if share >= 0.5:
        return lines["most"].format(adjective=adjective)
    if int(np.argmax(profile)) == list(labels).index(label):
        return lines["top"].format(adjective=adjective, percent=percent)
    return lines["share"].format(adjective=adjective, percent=percent)


def personal_line(*, label: str, sensitivity: FloatArray, labels: Sequence[str], language: str = "en") -> str:
    """Why the visitor's own readings moved an exhibit up: the expression they show more than most, if that was it."""
    lines = PERSONAL_LINES.get(language, PERSONAL_LINES["en"])
    if float(sensitivity[list(labels).index(label)]) > 1.0:
        return lines["more"].format(adjective=expression_adjective(label, language))
    return lines["other"]


def moved_up(personal: Sequence[RankedItem], general: Sequence[RankedItem]) -> set[int]:
    """Rows the visitor's readings brought into the list or placed higher than the same ranking without them."""
    place = {item.index: position for position, item in enumerate(general)}
    return {item.index for position, item in enumerate(personal) if position < place.get(item.index, len(general))}
