"""Offline evaluation of the recommender and the route planner on simulated visitors.

    .venv/bin/python benchmarks/eval_recommendations.py [--seed 0] [--train-visitors 3000] [--test-visitors 400]

Simulation: a generated venue (halls on a grid, exhibits with tags) where every exhibit has a hidden
true expression profile and curators' prior is a noisy guess of it. Each simulated visitor has a
hidden taste (a per-expression sensitivity that tilts every profile) and a wish (1-2 desired
expressions). Visitors walk the venue, favouring popular exhibits; at each stop the face shows an
expression drawn from the tilted profile and a noisy classifier (about 70% top-1 accuracy) turns it
into a score vector - the events. Profiles are built from training visitors' events two ways: exact
running means + prior (what the app did before 2026-12-02), and as the app now publishes them
(museum_guide.disclosure: snapshots every k new visitors, shares rounded to 0.01, visitor buckets) +
prior; the difference is what the privacy rules cost. Test visitors have a short history (their sensitivity evidence,
and the exhibits to exclude) and stand at their last exhibit; every unvisited exhibit then gets one
simulated held-out visit. Metrics over the top 5:
  - NDCG@5 (graded): gain = the visitor's true probability of showing a desired expression there;
  - HR@5 / P@5: a held-out visit whose classified expression is a desired one counts as a hit;
  - coverage: share of the catalogue that appears in anybody's top 5.
Routes: mean/max gap of the heuristics to the exact optimum on instances with 10 candidate exhibits;
at 50, 100 and 200 exhibits the runtime of ranking and of the iterated local search (which stops after
`--patience` perturbations in a row without a better route) and its gap to the better of two 3-second
searches that never stop early (`--routes-only --patience 10,20,40` compares rules; ~4 min per rule set).
Framework-free: it imports only recommendations.ranking, recommendations.routing and museum_guide.disclosure.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from museum_guide import disclosure
from recommendations import ranking, routing

LABELS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")
BASE_RATES = np.array([0.05, 0.03, 0.05, 0.25, 0.35, 0.10, 0.17])
WISHABLE = [0, 2, 3, 5, 6]  # nobody asks to look disgusted or neutral
K = 5


@dataclass
class Venue:
    """A generated venue: positions, halls, tags, dwell, walking minutes and hidden true profiles."""

    hall_ids: np.ndarray
    tags: np.ndarray
    dwell: np.ndarray
    walking: np.ndarray
    true_profiles: np.ndarray
    priors: np.ndarray
    attractiveness: np.ndarray


def make_venue(n: int, rng: np.random.Generator) -> Venue:
    """Halls of 20 exhibits on a grid of 30 m x 30 m rooms, 8 tags, Dirichlet profiles, noisy priors."""
    n_halls = max(1, int(np.ceil(n / 20)))
    side = int(np.ceil(np.sqrt(n_halls)))
    hall_ids = np.repeat(np.arange(n_halls), 20)[:n]
    origin = np.stack([(hall_ids % side) * 30.0, (hall_ids // side) * 30.0], axis=1)
    xy = origin + rng.uniform(2, 28, (n, 2))
    # Manhattan distance through doors, 1 m/s, plus half a minute per hall change.
    walking = np.abs(xy[:, None, :] - xy[None, :, :]).sum(axis=2) / 60.0
    walking += 0.5 * (hall_ids[:, None] != hall_ids[None, :])
    tags = rng.random((n, 8)) < 0.2
    tags[np.arange(n), rng.integers(0, 8, n)] = True
    true_profiles = rng.dirichlet(BASE_RATES * 4.0, size=n)
    priors = np.zeros((n, len(LABELS)))
    for i in range(n):
        top = np.argsort(-true_profiles[i])[:2]
        guess = top if rng.random() < 0.7 else rng.choice(len(LABELS), 2, replace=False)
        priors[i, guess] = [0.7, 0.3]
    attractiveness = 1.0 / np.arange(1, n + 1) ** 0.8
    rng.shuffle(attractiveness)
    return Venue(hall_ids, tags, rng.integers(2, 7, n).astype(float), walking, true_profiles, priors, attractiveness)


def classify(expression: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Noisy classifier scores for true expressions (one per row): softmax of a peaked, noisy logit."""
    logits = rng.normal(0.0, 1.0, (expression.size, len(LABELS)))
    logits[np.arange(expression.size), expression] += 2.2
    logits -= logits.max(axis=1, keepdims=True)
    scores = np.exp(logits)
    return scores / scores.sum(axis=1, keepdims=True)


def visit(
    venue: Venue, sensitivity: np.ndarray, stops: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Expressions shown at `stops` and the classifier's score vectors for them."""
    tilted = venue.true_profiles[stops] * sensitivity
    tilted /= tilted.sum(axis=1, keepdims=True)
    expressions = np.array([rng.choice(len(LABELS), p=row) for row in tilted])
    return expressions, classify(expressions, rng)


def new_visitor(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Hidden taste (sensitivity per expression) and wish (desired expressions as weights)."""
    sensitivity = np.exp(rng.normal(0.0, 0.6, len(LABELS)))
    wish = np.zeros(len(LABELS))
    wish[rng.choice(WISHABLE, size=rng.integers(1, 3), replace=False)] = 1.0
    return sensitivity, wish / wish.sum()


def choose_stops(venue: Venue, count: int, rng: np.random.Generator) -> np.ndarray:
    """A visitor's stops, popular exhibits more likely."""
    p = venue.attractiveness / venue.attractiveness.sum()
    return rng.choice(len(p), size=min(count, len(p)), replace=False, p=p)


def evaluate_ranking(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Train profiles on simulated events, then score each method on held-out visits of test visitors."""
    rng = np.random.default_rng(args.seed)
    venue = make_venue(args.exhibits, rng)
    n = args.exhibits
    weights = ranking.RankingWeights()
    sums, counts = np.zeros((n, len(LABELS))), np.zeros(n)
    arrivals: list[list[np.ndarray]] = [[] for _ in range(n)]  # each exhibit's visitors' vectors, in order
    for _ in range(args.train_visitors):
        sensitivity, _wish = new_visitor(rng)
        stops = choose_stops(venue, int(rng.integers(5, 20)), rng)
        _expressions, scores = visit(venue, sensitivity, stops, rng)
        np.add.at(sums, stops, scores)
        np.add.at(counts, stops, 1.0)
        for stop, vector in zip(stops, scores, strict=True):
            arrivals[int(stop)].append(vector)
    priors = np.array([ranking.prior_vector(dict(zip(LABELS, row, strict=True)), LABELS, 0.5) for row in venue.priors])
    profiles = ranking.smoothed_profiles(sums, counts, priors, weights.prior_strength)
    population = sums.sum(axis=0) / counts.sum()
    private_profiles, private_counts, private_population = published_profiles(arrivals, priors, args.k)
    methods = (
        "popularity",
        "profile only",
        "profile + personal",
        "full ranker",
        "profile + personal, published snapshots",
        "full ranker, published snapshots",
        "oracle (true taste)",
    )
    results: dict[str, dict[str, list[float]]] = {m: {"ndcg": [], "hr": [], "p": []} for m in methods}
    covered: dict[str, set[int]] = {m: set() for m in methods}
    for _ in range(args.test_visitors):
        sensitivity, wish = new_visitor(rng)
        history = choose_stops(venue, args.history, rng)
        _expressions, own_scores = visit(venue, sensitivity, history, rng)
        current = int(history[-1])
        eligible = np.ones(n, dtype=bool)
        eligible[history] = False
        candidates = np.flatnonzero(eligible)
        # Held-out: one simulated visit to every unvisited exhibit.
        _held_expr, held_scores = visit(venue, sensitivity, candidates, rng)
        hit = np.zeros(n)
        hit[candidates] = wish[held_scores.argmax(axis=1)] > 0
        tilted = venue.true_profiles * sensitivity
        tilted /= tilted.sum(axis=1, keepdims=True)
        true_gain = tilted @ wish
        estimated = ranking.visitor_sensitivity(
            own_scores.sum(axis=0), len(history), population, weights.sensitivity_strength
        )
        estimated_private = ranking.visitor_sensitivity(
            own_scores.sum(axis=0), len(history), private_population, weights.sensitivity_strength
        )
        flat = ranking.RankingWeights(walk_penalty_per_minute=0.0, exploration=0.0, diversity=0.0)

        def ranked_by(
            how: ranking.RankingWeights,
            taste: np.ndarray | None,
            current: int = current,
            eligible: np.ndarray = eligible,
            wish: np.ndarray = wish,
            private: bool = False,
        ) -> list[int]:
            items = ranking.rank(
                profiles=private_profiles if private else profiles,
                desired=wish,
                labels=LABELS,
                n_events=private_counts if private else counts,
                walking_minutes=venue.walking[current],
                eligible=eligible,
                hall_ids=venue.hall_ids,
                tags=venue.tags,
                limit=K,
                weights=how,
                sensitivity=taste,
            )
            return [item.index for item in items]

        lists = {
            "popularity": [int(i) for i in candidates[np.argsort(-counts[candidates], kind="stable")][:K]],
            "profile only": ranked_by(flat, None),
            "profile + personal": ranked_by(flat, estimated),
            "full ranker": ranked_by(weights, estimated),
            "profile + personal, published snapshots": ranked_by(flat, estimated_private, private=True),
            "full ranker, published snapshots": ranked_by(weights, estimated_private, private=True),
            "oracle (true taste)": [int(i) for i in candidates[np.argsort(-true_gain[candidates])][:K]],
        }
        for method, ranked in lists.items():
            results[method]["ndcg"].append(ndcg_at_k(ranked, true_gain, candidates))
            results[method]["hr"].append(float(hit[ranked].max()))
            results[method]["p"].append(float(hit[ranked].mean()))
            covered[method].update(ranked)
    return {
        m: {
            "ndcg@5": float(np.mean(results[m]["ndcg"])),
            "hr@5": float(np.mean(results[m]["hr"])),
            "p@5": float(np.mean(results[m]["p"])),
            "coverage": len(covered[m]) / n,
        }
        for m in methods
    }


def published_profiles(
    arrivals: list[list[np.ndarray]], priors: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Profiles as the app publishes them (museum_guide.disclosure): the latest snapshot, taken when k new
    visitors had come, shares rounded to 0.01 and visitors bucketed; returns (profiles, buckets, population mean).

    Each simulated visitor stops at an exhibit once, so their mean vector there is their one vector.
    """
    shares, buckets = np.zeros_like(priors), np.zeros(len(arrivals))
    for i, vectors in enumerate(arrivals):
        included = (len(vectors) // k) * k
        if included == 0:
            continue
        snapshot = disclosure.profile_snapshot(
            [dict(zip(LABELS, vector.tolist(), strict=True)) for vector in vectors[:included]], LABELS
        )
        shares[i] = [snapshot.shares[label] for label in LABELS]
        buckets[i] = disclosure.visitor_bucket(snapshot.visitors, k)
    sums = shares * buckets[:, np.newaxis]
    profiles = ranking.smoothed_profiles(sums, buckets, priors, ranking.RankingWeights().prior_strength)
    return profiles, buckets, sums.sum(axis=0) / buckets.sum()


def ndcg_at_k(ranked: list[int], gains: np.ndarray, candidates: np.ndarray) -> float:
    """NDCG@K with gains over the candidate exhibits (ranked holds exhibit indices)."""
    discounts = 1.0 / np.log2(np.arange(2, K + 2))
    dcg = float(sum(gains[i] * d for i, d in zip(ranked[:K], discounts, strict=False)))
    best = np.sort(gains[candidates])[::-1][:K]
    ideal = float(best @ discounts[: best.size])
    return dcg / ideal if ideal > 0 else 0.0


def route_instance(venue: Venue, rng: np.random.Generator, size: int, budget: float) -> routing.RouteProblem:
    """A random sub-venue of `size` exhibits (start + the rest as candidates) valued by a random wish."""
    chosen = rng.choice(len(venue.dwell), size=size, replace=False)
    _sensitivity, wish = new_visitor(rng)
    value = venue.true_profiles[chosen] @ wish
    end = None if rng.random() < 0.5 else int(rng.integers(1, size))
    return routing.RouteProblem(
        walking=venue.walking[np.ix_(chosen, chosen)],
        dwell=venue.dwell[chosen],
        value=value,
        start=0,
        budget=budget,
        end=end,
    )


def evaluate_routes(args: argparse.Namespace) -> dict[str, object]:
    """Gap to the exact optimum on 10-candidate instances; at 50/100/200 exhibits the search's time and its
    gap to what a 3-second search finds, for each patience in `args.patience` (the first is the default)."""
    rng = np.random.default_rng(args.seed + 1)
    venue = make_venue(200, rng)
    solvers: dict[str, Callable[[routing.RouteProblem], routing.Route]] = {
        f"ils, patience {patience}": partial(routing.solve_ils, patience=patience, time_limit_s=args.cap)
        for patience in args.patience
    }
    solvers["ils, fixed 0.15 s"] = partial(routing.solve_ils, patience=None, time_limit_s=0.15)
    solvers["ortools, 0.15 s"] = partial(routing.solve_ortools, time_limit_s=0.15)
    gaps: dict[str, list[float]] = {name: [] for name in solvers}
    exact_times = []
    for _ in range(args.route_instances):
        problem = route_instance(venue, rng, 11, float(rng.uniform(20, 45)))
        started = time.perf_counter()
        optimum = routing.solve_exact(problem).value
        exact_times.append(time.perf_counter() - started)
        for name, solver in solvers.items():
            value = solver(problem).value
            gaps[name].append((optimum - value) / optimum if optimum > 0 else 0.0)
    runtime: dict[int, dict[str, object]] = {}
    for size in (50, 100, 200):
        sub = make_venue(size, np.random.default_rng(args.seed + size))
        sub_rng = np.random.default_rng(args.seed + 10 * size)
        problems = []
        for _ in range(args.large_instances):
            _sensitivity, wish = new_visitor(sub_rng)
            end = None if sub_rng.random() < 0.7 else int(sub_rng.integers(0, size))
            problems.append(
                routing.RouteProblem(
                    walking=sub.walking,
                    dwell=sub.dwell,
                    value=sub.true_profiles @ wish,
                    start=int(sub_rng.integers(0, size)),
                    budget=float(sub_rng.choice([30, 60, 90, 120, 180])),
                    end=end,
                )
            )
        # The yardstick: the better of two 3-second searches (seeds 0 and 1) that never stop early.
        references = [
            max(routing.solve_ils(p, time_limit_s=3.0, patience=None, seed=seed).value for seed in (0, 1))
            for p in problems
        ]
        rows: dict[str, dict[str, float]] = {}
        for patience in args.patience:
            found = [routing.solve_ils(p, time_limit_s=args.cap, patience=patience) for p in problems]
            times = [1000 * route.stats["seconds"] for route in found]
            size_gaps = [(ref - route.value) / ref for route, ref in zip(found, references, strict=True)]
            rows[f"patience {patience}"] = {
                "p50 ms": float(np.percentile(times, 50)),
                "p95 ms": float(np.percentile(times, 95)),
                "max ms": float(np.max(times)),
                "iterations": float(np.mean([route.stats["iterations"] for route in found])),
                "capped": float(sum(t >= 1000 * args.cap for t in times)),
                "mean gap": float(np.mean(size_gaps)),
                "max gap": float(np.max(size_gaps)),
            }
        rank_times = []
        for _ in range(200):
            started = time.perf_counter()
            ranking.rank(
                profiles=sub.true_profiles,
                desired=np.eye(len(LABELS))[6],
                labels=LABELS,
                n_events=np.full(size, 100.0),
                walking_minutes=sub.walking[0],
                eligible=np.ones(size, dtype=bool),
                hall_ids=sub.hall_ids,
                tags=sub.tags,
                limit=10,
                weights=ranking.RankingWeights(),
                sensitivity=np.ones(len(LABELS)),
            )
            rank_times.append(time.perf_counter() - started)
        runtime[size] = {"rank p95 ms": 1000 * float(np.percentile(rank_times, 95)), "ils": rows}
    return {
        "gaps": {
            name: (float(np.mean(v)), float(np.max(v)), int(sum(g > 1e-9 for g in v))) for name, v in gaps.items()
        },
        "exact mean seconds": float(np.mean(exact_times)),
        "runtime": runtime,
    }


def main(argv: list[str] | None = None) -> None:
    """Run both evaluations and print Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--exhibits", type=int, default=120)
    parser.add_argument("--train-visitors", type=int, default=3000)
    parser.add_argument("--test-visitors", type=int, default=400)
    parser.add_argument("--history", type=int, default=6)
    parser.add_argument("--k", type=int, default=5, help="REPORT_MIN_GROUP_SIZE of the published snapshots")
    parser.add_argument("--route-instances", type=int, default=40)
    parser.add_argument("--large-instances", type=int, default=12, help="route instances per size (50/100/200)")
    parser.add_argument(
        "--patience",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[routing.ILS_PATIENCE],
        help="comma-separated ILS patience values to compare (default: the shipped one)",
    )
    parser.add_argument("--cap", type=float, default=1.0, help="the ILS's wall-clock safety net in seconds")
    parser.add_argument("--ranking-only", action="store_true", help="skip the route evaluation (timing-dependent)")
    parser.add_argument("--routes-only", action="store_true", help="skip the ranking evaluation")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if not args.routes_only:
        table = evaluate_ranking(args)
        print(
            f"## Ranking: {args.exhibits} exhibits, {args.train_visitors} training visitors, "
            f"{args.test_visitors} test visitors\n"
        )
        print("| method | NDCG@5 (true taste) | HR@5 (held-out visit) | P@5 | coverage |")
        print("|---|---|---|---|---|")
        for method, row in table.items():
            print(f"| {method} | {row['ndcg@5']:.3f} | {row['hr@5']:.3f} | {row['p@5']:.3f} | {row['coverage']:.2f} |")
    if args.ranking_only:
        return
    routes = evaluate_routes(args)
    print(f"\n## Routes: gap to the exact optimum, {args.route_instances} instances with 10 candidates\n")
    print("| solver | mean gap | max gap | instances not optimal |")
    print("|---|---|---|---|")
    for name, (mean, worst, misses) in routes["gaps"].items():  # type: ignore[attr-defined]
        print(f"| {name} | {100 * mean:.2f}% | {100 * worst:.2f}% | {misses} |")
    print(f"\nexact solver (bitmask DP) mean time: {1000 * routes['exact mean seconds']:.1f} ms\n")  # type: ignore[operator]
    print(
        f"## Routes at 50/100/200 exhibits: {args.large_instances} instances each (budgets 30-180 min, 30% with an "
        f"end), gap to the better of two 3-second searches; safety net {args.cap} s\n"
    )
    print("| exhibits | rank p95 | rule | ILS p50 | ILS p95 | ILS max | iterations | capped | mean gap | max gap |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size, entry in routes["runtime"].items():  # type: ignore[attr-defined]
        for rule, row in entry["ils"].items():
            print(
                f"| {size} | {entry['rank p95 ms']:.2f} ms | {rule} | {row['p50 ms']:.0f} ms | "
                f"{row['p95 ms']:.0f} ms | {row['max ms']:.0f} ms | {row['iterations']:.0f} | {row['capped']:.0f} | "
                f"{100 * row['mean gap']:.2f}% | {100 * row['max gap']:.2f}% |"
            )
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
