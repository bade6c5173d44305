"""Unit tests of the framework-free ranker (no database)."""

from typing import Any

import numpy as np
import pytest

from recommendations.ranking import (
    FloatArray,
    RankedItem,
    RankingWeights,
    UnknownEmotionError,
    desired_vector,
    exploration_bonus,
    mmr_select,
    moved_up,
    personal_line,
    prior_vector,
    rank,
    reason_line,
    smoothed_profiles,
    visitor_sensitivity,
)

LABELS = ("angry", "happy", "neutral", "surprise")


def _rank(profiles: FloatArray, desired: list[str], **overrides: Any) -> list[RankedItem]:
    n = profiles.shape[0]
    kwargs: dict[str, Any] = {
        "profiles": profiles,
        "desired": desired_vector(desired, LABELS),
        "labels": LABELS,
        "n_events": np.full(n, 100.0),
        "walking_minutes": np.zeros(n),
        "eligible": np.ones(n, dtype=bool),
        "hall_ids": np.arange(n),
        "tags": np.zeros((n, 0), dtype=bool),
        "limit": n,
        "weights": RankingWeights(),
    }
    kwargs.update(overrides)
    return rank(**kwargs)


def test_a_new_exhibit_gets_the_curators_prior_as_its_profile() -> None:
    prior = prior_vector({"surprise": 3.0, "happy": 1.0}, LABELS)
    profile = smoothed_profiles(np.zeros((1, 4)), np.array([0.0]), prior, strength=5.0)[0]
    assert profile == pytest.approx([0.0, 0.25, 0.0, 0.75])


def test_an_empty_prior_is_uniform() -> None:
    assert prior_vector({}, LABELS) == pytest.approx([0.25] * 4)
    assert prior_vector({"unknown": 2.0, "happy": -1.0}, LABELS) == pytest.approx([0.25] * 4)


def test_one_event_does_not_dominate_the_profile_but_many_do() -> None:
    prior = prior_vector({"happy": 1.0}, LABELS)
    angry = np.array([[1.0, 0.0, 0.0, 0.0]])
    one = smoothed_profiles(angry, np.array([1.0]), prior, strength=5.0)[0]
    many = smoothed_profiles(angry * 500, np.array([500.0]), prior, strength=5.0)[0]
    assert one[1] > one[0]
    assert many[0] > 0.98
    assert one.sum() == pytest.approx(1.0)


def test_asking_for_a_different_emotion_reverses_the_ranking() -> None:
    profiles = np.array([[0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7]])
    assert [item.index for item in _rank(profiles, ["happy"])] == [0, 1]
    assert [item.index for item in _rank(profiles, ["surprise"])] == [1, 0]


def test_ineligible_exhibits_never_come_back() -> None:
    profiles = np.tile([0.1, 0.7, 0.1, 0.1], (5, 1))
    eligible = np.array([True, False, True, False, True])
    assert sorted(item.index for item in _rank(profiles, ["happy"], eligible=eligible)) == [0, 2, 4]


def test_unreachable_exhibits_are_not_ranked() -> None:
    profiles = np.tile([0.1, 0.7, 0.1, 0.1], (3, 1))
    walking = np.array([1.0, np.inf, 2.0])
    assert sorted(item.index for item in _rank(profiles, ["happy"], walking_minutes=walking)) == [0, 2]


def test_a_far_exhibit_loses_to_an_equally_good_near_one() -> None:
    profiles = np.tile([0.1, 0.7, 0.1, 0.1], (2, 1))
    ranked = _rank(profiles, ["happy"], walking_minutes=np.array([12.0, 1.0]))
    assert [item.index for item in ranked] == [1, 0]


def test_diversity_interleaves_halls() -> None:
    profiles = np.array([[0, 0.80, 0.2, 0], [0, 0.79, 0.21, 0], [0, 0.70, 0.3, 0]])
    halls = np.array([1, 1, 2])
    ranked = _rank(profiles, ["happy"], hall_ids=halls, weights=RankingWeights(diversity=0.5, exploration=0))
    assert [item.index for item in ranked] == [0, 2, 1]


def test_mmr_without_diversity_is_a_plain_sort() -> None:
    scores = np.array([0.3, 0.9, 0.5])
    picked = mmr_select(
        scores, np.ones(3, dtype=bool), np.zeros(3, dtype=np.int64), np.zeros((3, 0), bool), 3, 0.0, 0.5
    )
    assert picked == [1, 2, 0]


def test_shared_tags_count_as_similarity() -> None:
    scores = np.array([0.9, 0.89, 0.8])
    tags = np.array([[True, False], [True, False], [False, True]])
    halls = np.arange(3)
    picked = mmr_select(scores, np.ones(3, dtype=bool), halls, tags, 3, 0.5, 0.5)
    assert picked == [0, 2, 1]


def test_exhibits_with_few_events_get_an_exploration_bonus() -> None:
    bonus = exploration_bonus(np.array([0.0, 10.0, 10_000.0]), 10_010.0, scale=0.03, strength=5.0)
    assert bonus[0] > bonus[1] > bonus[2] > 0


def test_a_visitor_who_smiles_a_lot_gets_happy_exhibits_tilted_up() -> None:
    population = np.array([0.1, 0.3, 0.4, 0.2])
    smiling = visitor_sensitivity(np.array([0.5, 12.0, 5.0, 2.5]), 20.0, population, strength=10.0)
    assert smiling[1] > 1.0 > smiling[0]
    newcomer = visitor_sensitivity(np.zeros(4), 0.0, population, strength=10.0)
    assert newcomer == pytest.approx(np.ones(4))


def test_a_visitor_who_rarely_looks_surprised_is_sent_where_surprise_would_crowd_out_smiles() -> None:
    profiles = np.array([[0.0, 0.5, 0.5, 0.0], [0.0, 0.3, 0.0, 0.7]])
    plain = _rank(profiles, ["happy"], weights=RankingWeights(exploration=0))
    assert plain[0].index == 0
    rarely_surprised = np.array([1.0, 1.0, 1.0, 0.2])
    tilted = _rank(profiles, ["happy"], sensitivity=rarely_surprised, weights=RankingWeights(exploration=0))
    assert tilted[0].index == 1
    # What the visitor's readings changed: the second exhibit moved up, the first did not.
    assert moved_up(tilted, plain) == {1}
    assert moved_up(plain, plain) == set()
    assert personal_line(label="happy", sensitivity=rarely_surprised, labels=LABELS) == (
        "Your photos so far moved this up the list."
    )


def test_the_personal_reason_names_the_expression_the_visitor_shows_more_than_most() -> None:
    smiling = np.array([0.8, 1.6, 1.0, 0.9])
    assert personal_line(label="happy", sensitivity=smiling, labels=LABELS) == (
        "In your photos so far you looked happy more often than most visitors, so this moved up."
    )
    assert "радостными" in personal_line(label="happy", sensitivity=smiling, labels=LABELS, language="ru")


def test_an_exhibit_the_readings_brought_into_a_short_list_counts_as_moved_up() -> None:
    general = [RankedItem(index=0, score=0.9, relevance=0.9, bonus=0.0, label="happy")]
    personal = [RankedItem(index=2, score=0.95, relevance=0.95, bonus=0.0, label="happy")]
    assert moved_up(personal, general) == {2}


def test_unknown_emotions_are_rejected_by_name() -> None:
    with pytest.raises(UnknownEmotionError, match="joy"):
        desired_vector(["joy"], LABELS)


def test_weighted_wishes_are_normalised() -> None:
    assert desired_vector({"happy": 3, "surprise": 1}, LABELS) == pytest.approx([0, 0.75, 0, 0.25])


def test_reasons_talk_about_expressions_and_evidence() -> None:
    profile = np.array([0.05, 0.1, 0.25, 0.6])
    assert reason_line(label="surprise", profile=profile, labels=LABELS, n_events=50, min_evidence=5) == (
        "Most visitors looked surprised here."
    )
    assert reason_line(label="neutral", profile=profile, labels=LABELS, n_events=50, min_evidence=5) == (
        "25% of visitors looked neutral here."
    )
    assert reason_line(label="happy", profile=profile, labels=LABELS, n_events=50, min_evidence=5).startswith("10%")
    assert "curators expect" in reason_line(label="happy", profile=profile, labels=LABELS, n_events=1, min_evidence=5)
