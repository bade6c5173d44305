"""Unit tests of the framework-free route planners (no database)."""

import itertools
from collections.abc import Callable

import numpy as np
import pytest

from recommendations.routing import (
    InfeasibleRouteError,
    Route,
    RouteProblem,
    plan_route,
    route_minutes,
    solve_exact,
    solve_ils,
    solve_ortools,
)


def random_problem(n: int, seed: int, *, budget: float = 60.0, end: int | None = None) -> RouteProblem:
    """Exhibits scattered on a 40 m x 40 m floor, walking at one metre per second."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(0, 40, (n, 2))
    walking = np.linalg.norm(points[:, None] - points[None], axis=2) / 60.0 * 4
    return RouteProblem(
        walking=walking, dwell=rng.uniform(2, 8, n), value=rng.uniform(0, 1, n), start=0, budget=budget, end=end
    )


def brute_force_value(problem: RouteProblem) -> float:
    """Best value over every ordered subset of candidates (tiny instances only)."""
    candidates = problem.candidate_indices()
    end_value = problem.value[problem.end] if problem.end not in (None, problem.start) else 0.0
    best = 0.0
    for size in range(len(candidates) + 1):
        for order in itertools.permutations(candidates, size):
            if route_minutes(problem, order) <= problem.budget + 1e-9:
                best = max(best, float(problem.value[list(order)].sum()))
    return best + float(end_value)


def assert_valid(problem: RouteProblem, stops: list[int], total: float) -> None:
    assert len(stops) == len(set(stops))
    assert problem.start not in stops
    assert total <= problem.budget + 1e-9
    assert total == pytest.approx(route_minutes(problem, stops))


@pytest.mark.parametrize(("seed", "end"), [(0, None), (1, 3), (2, 0), (3, None), (4, 5), (5, 0)])
def test_the_exact_solver_matches_brute_force(seed: int, end: int | None) -> None:
    problem = random_problem(7, seed, budget=30, end=end)
    route = solve_exact(problem)
    assert route.value == pytest.approx(brute_force_value(problem))
    assert_valid(problem, route.stops, route.total_minutes)


@pytest.mark.parametrize("solver", [solve_ils, solve_ortools, solve_exact])
@pytest.mark.parametrize("seed", range(4))
def test_every_solver_keeps_to_the_budget_and_never_repeats_an_exhibit(
    solver: Callable[[RouteProblem], Route], seed: int
) -> None:
    problem = random_problem(12, seed, budget=35, end=[None, 4, 0, 7][seed])
    route = solver(problem)
    assert_valid(problem, route.stops, route.total_minutes)
    if problem.end not in (None, problem.start):
        assert route.stops[-1] == problem.end


def test_the_heuristic_is_within_one_percent_of_the_optimum_on_small_venues() -> None:
    gaps = []
    for seed in range(20):
        problem = random_problem(10, seed, budget=40, end=[None, 3, 0][seed % 3])
        optimum = solve_exact(problem).value
        # A generous clock: the search's own stopping rule decides, as on a machine that is not overloaded.
        heuristic = solve_ils(problem, time_limit_s=10, seed=seed).value
        assert heuristic <= optimum + 1e-9
        gaps.append((optimum - heuristic) / optimum)
    assert float(np.mean(gaps)) <= 0.01


def test_a_swap_puts_the_better_exhibit_wherever_it_fits_not_only_in_the_old_stops_place() -> None:
    # A corridor: the start at 0, exhibits at 1, 10 and 12 minutes' walk, a minute at each, 14 minutes in all.
    # Insertion takes 1 then 10 (12 minutes); 12 is worth more than 1 but fits only after 10 (14 minutes), in
    # 1's place the route would take 16.
    x = np.array([0.0, 1.0, 10.0, 12.0])
    problem = RouteProblem(
        walking=np.abs(x[:, None] - x[None, :]),
        dwell=np.array([0.0, 1.0, 1.0, 1.0]),
        value=np.array([0.0, 0.5, 1.0, 0.6]),
        start=0,
        budget=14.0,
    )
    # Patience 0: the local search alone, without a perturbation that could stumble on the better route.
    route = solve_ils(problem, patience=0)
    assert route.stops == solve_exact(problem).stops == [2, 3]
    assert route.total_minutes == 14.0


def test_insertion_takes_two_exhibits_worth_more_together_over_one_that_fills_the_same_minutes() -> None:
    # Side by side (6 seconds apart): one exhibit of 10 minutes worth 1.0, two of 5 minutes worth 0.6 each.
    walking = np.full((4, 4), 0.1)
    np.fill_diagonal(walking, 0.0)
    problem = RouteProblem(
        walking=walking,
        dwell=np.array([0.0, 10.0, 5.0, 5.0]),
        value=np.array([0.0, 1.0, 0.6, 0.6]),
        start=0,
        budget=10.3,
    )
    route = solve_ils(problem, patience=0)
    assert sorted(route.stops) == sorted(solve_exact(problem).stops) == [2, 3]
    assert route.value == pytest.approx(1.2)


def test_the_search_stops_once_it_stops_improving_not_when_the_clock_runs_out() -> None:
    problem = random_problem(120, 3, budget=60)
    route = solve_ils(problem, time_limit_s=30, patience=10)
    assert route.stats["iterations"] - route.stats["last_improvement"] == 10
    assert route.stats["seconds"] < 5


def test_gains_below_the_minimum_are_kept_but_do_not_prolong_the_search() -> None:
    problem = random_problem(120, 0, budget=60)
    every_gain = solve_ils(problem, time_limit_s=30, patience=10, min_gain=0.0)
    # No gain is 100% of the route: the search stops after its first 10 perturbations, whatever they found.
    no_gain = solve_ils(problem, time_limit_s=30, patience=10, min_gain=1.0)
    assert no_gain.stats["iterations"] == 10
    assert no_gain.stats["last_improvement"] == 0
    assert every_gain.stats["iterations"] > 10  # on this venue some perturbation does improve the route
    assert no_gain.value <= every_gain.value
    first_ten = solve_ils(problem, time_limit_s=30, max_iterations=10, patience=None)
    assert no_gain.value == first_ten.value  # improvements within those 10 were kept


def test_a_problem_always_gets_the_same_route() -> None:
    problem = random_problem(80, 5, budget=45, end=4)
    first = solve_ils(problem, time_limit_s=30)
    again = solve_ils(problem, time_limit_s=30)
    assert (first.stops, first.value, first.stats["iterations"]) == (
        again.stops,
        again.value,
        again.stats["iterations"],
    )


def test_more_patience_never_finds_a_worse_route() -> None:
    problem = random_problem(150, 11, budget=50)
    values = [solve_ils(problem, time_limit_s=30, patience=patience).value for patience in (2, 10, 40)]
    assert values == sorted(values)


def test_unreachable_exhibits_are_never_stops() -> None:
    problem = random_problem(8, 0, budget=200)
    walking = problem.walking.copy()
    walking[:, 5] = walking[5, :] = np.inf
    walking[5, 5] = 0
    blocked = RouteProblem(walking=walking, dwell=problem.dwell, value=problem.value, start=0, budget=200)
    for solver in (solve_exact, solve_ils, solve_ortools):
        route = solver(blocked)
        assert 5 not in route.stops
        assert len(route.stops) == 7 - 1


def test_arrival_minutes_add_up_walking_and_dwell() -> None:
    walking = np.array([[0, 2, 5], [2, 0, 3], [5, 3, 0]], dtype=float)
    problem = RouteProblem(walking=walking, dwell=np.array([1.0, 4.0, 6.0]), value=np.ones(3), start=0, budget=20)
    route = solve_exact(problem)
    assert route.stops == [1, 2]
    assert route.arrivals == [2.0, 9.0]
    assert route.total_minutes == 15.0
    assert route.walking_minutes == 5.0


def test_a_loop_back_to_the_start_counts_the_walk_back() -> None:
    walking = np.array([[0, 2, 5], [2, 0, 3], [5, 3, 0]], dtype=float)
    problem = RouteProblem(
        walking=walking, dwell=np.array([1.0, 4.0, 6.0]), value=np.ones(3), start=0, budget=20, end=0
    )
    route = solve_exact(problem)
    assert route.total_minutes == 20.0
    assert sorted(route.stops) == [1, 2]


def test_an_unreachable_end_within_the_budget_is_infeasible() -> None:
    problem = random_problem(5, 0, budget=0.5, end=3)
    with pytest.raises(InfeasibleRouteError):
        plan_route(problem)


def test_a_zero_budget_gives_an_empty_route() -> None:
    route = plan_route(random_problem(5, 0, budget=0))
    assert route.stops == []
    assert route.total_minutes == 0


def test_plan_route_uses_the_heuristic_on_large_venues_and_stays_fast() -> None:
    problem = random_problem(200, 7, budget=60)
    route = plan_route(problem, time_limit_s=0.1)
    assert route.solver == "ils"
    assert_valid(problem, route.stops, route.total_minutes)
    assert route.stats["seconds"] < 0.3
