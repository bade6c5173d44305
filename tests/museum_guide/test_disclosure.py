"""The disclosure rules themselves: buckets, withheld cells, perturbation and snapshots."""

from __future__ import annotations

import random

import pytest

from museum_guide import disclosure


@pytest.mark.parametrize(
    ("visitors", "bucket"),
    [(0, 0), (4, 0), (5, 5), (9, 5), (10, 10), (19, 10), (20, 20), (49, 20), (50, 50), (120, 100), (999, 500)],
)
def test_visitor_counts_are_published_as_buckets(visitors: int, bucket: int) -> None:
    assert disclosure.visitor_bucket(visitors, 5) == bucket


def test_a_small_cell_is_withheld_with_the_smallest_safe_one() -> None:
    withheld = disclosure.withheld_cells({"happy": 30, "neutral": 9, "sad": 6, "angry": 2, "fear": 0}, 5)

    assert withheld == {"angry", "sad"}


def test_a_group_without_small_cells_withholds_nothing() -> None:
    assert disclosure.withheld_cells({"happy": 30, "sad": 5, "fear": 0}, 5) == set()


def test_perturbation_stays_within_its_range_and_depends_only_on_the_keys() -> None:
    rng = random.Random(3)
    offsets = set()
    for _ in range(500):
        keys = [rng.randrange(2**31) for _ in range(rng.randrange(1, 40))]
        count = len(keys)
        shown = disclosure.perturbed(count, sum(keys))
        assert shown == disclosure.perturbed(count, sum(reversed(keys)))
        offsets.add(shown - count)
    assert offsets == set(range(-disclosure.NOISE_RANGE, disclosure.NOISE_RANGE + 1))


def test_a_second_number_of_the_same_cell_gets_an_independent_offset() -> None:
    rng = random.Random(5)
    pairs = {
        (disclosure.perturbed(10, key) - 10, disclosure.perturbed(10, key, salt=1) - 10)
        for key in (rng.randrange(2**40) for _ in range(400))
    }
    assert len(pairs) == (2 * disclosure.NOISE_RANGE + 1) ** 2


def test_record_keys_are_secret_dependent_31_bit_numbers() -> None:
    assert disclosure.record_key(7, "a:") != disclosure.record_key(7, "b:")
    assert 0 <= disclosure.record_key(7, "a:") < 2**31


def test_a_snapshot_weighs_each_visitor_once_and_rounds() -> None:
    snapshot = disclosure.profile_snapshot(
        [{"happy": 0.904, "sad": 0.096}, {"happy": 0.2, "sad": 0.8}, {"happy": 0.5, "sad": 0.5}], ("happy", "sad")
    )

    assert snapshot.visitors == 3
    assert snapshot.shares == {"happy": 0.53, "sad": 0.47}
    assert snapshot.top_shares == {"happy": 0.67, "sad": 0.33}


def test_publication_waits_for_k_new_visitors() -> None:
    assert not disclosure.profile_publication_due(new_visitors=4, k=5)
    assert disclosure.profile_publication_due(new_visitors=5, k=5)
