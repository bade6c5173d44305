"""Framework-free route planning: the orienteering problem over a walking-minutes matrix.

Maximise the summed value of visited exhibits subject to walking + dwell <= budget, from a start
exhibit (where the visitor stands: not a stop, no dwell), optionally to an end exhibit (a mandatory
last stop with its dwell, or a plain walk back when it is the start itself). Each exhibit is
visited at most once; `inf` in the walking matrix means "no usable path" (e.g. stairs when the
visitor asked for step-free).

Solvers: `solve_exact` (bitmask dynamic programme, small instances), `solve_ils` (iterated local
search: greedy ratio insertion, 2-opt, or-opt, swaps of a stop for a better exhibit anywhere on the route,
drop/reinsert perturbations, stopped once a number of perturbations in a row found nothing better; seeded,
so a given problem always gets the same route unless the wall-clock safety net bites) and `solve_ortools`
(OR-Tools routing with optional nodes as disjunctions and a time dimension). `plan_route` picks one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Float slack when comparing route times with the budget (minutes).
EPS = 1e-9
# Instances with at most this many candidate exhibits are solved exactly by `plan_route`.
EXACT_MAX_CANDIDATES = 12
# The iterated local search stops after this many perturbations in a row without a route at least
# ILS_MIN_GAIN (relative) better than the last such improvement, and a perturbation drops at most
# ILS_MAX_DROP stops (each dropped stop costs an insertion step to refill). Chosen by measurement:
# benchmarks/eval_recommendations.py --routes-only and benchmarks/bench_recommendations.py, docs/BENCHMARKS.md.
ILS_PATIENCE = 30
ILS_MIN_GAIN = 1e-3
ILS_MAX_DROP = 8


class InfeasibleRouteError(ValueError):
    """The mandatory part of the route (start -> end with its dwell) does not fit the budget."""


@dataclass(frozen=True)
class RouteProblem:
    """One orienteering instance over exhibit indices 0..N-1."""

    walking: FloatArray  # (N, N) minutes, inf = unreachable
    dwell: FloatArray  # (N,) minutes
    value: FloatArray  # (N,) value of visiting, >= 0
    start: int
    budget: float
    end: int | None = None
    candidates: BoolArray | None = None  # exhibits allowed as stops (default: all)

    def candidate_indices(self) -> list[int]:
        """Exhibits that may be stops and fit the budget on their own (start -> it -> end)."""
        n = self.walking.shape[0]
        allowed = np.ones(n, dtype=bool) if self.candidates is None else np.asarray(self.candidates, dtype=bool).copy()
        allowed[self.start] = False
        if self.end is not None:
            allowed[self.end] = False
        detour = self.walking[self.start] + self.dwell + self._to_end_vector()
        allowed &= np.isfinite(detour) & (detour <= self.budget - self._end_dwell() + EPS)
        return [int(i) for i in np.flatnonzero(allowed)]

    def _to_end_vector(self) -> FloatArray:
        if self.end is None:
            return np.zeros(self.walking.shape[0])
        return np.asarray(self.walking[:, self.end], dtype=np.float64)

    def _end_dwell(self) -> float:
        return 0.0 if self.end is None or self.end == self.start else float(self.dwell[self.end])


@dataclass(frozen=True)
class Route:
    """A planned route: stops in order (start excluded; a distinct end included) and its bookkeeping."""

    stops: list[int]
    arrivals: list[float]  # minute of arrival at each stop
    total_minutes: float  # walking + dwell, including the walk back when end == start
    walking_minutes: float
    value: float
    solver: str = ""
    stats: dict[str, float] = field(default_factory=dict)


def route_minutes(problem: RouteProblem, stops: Sequence[int]) -> float:
    """Walking + dwell minutes of visiting `stops` in order from the start (and to the end, if any)."""
    total, here = 0.0, problem.start
    for stop in stops:
        total += float(problem.walking[here, stop] + problem.dwell[stop])
        here = stop
    if problem.end is not None and (not stops or stops[-1] != problem.end):
        total += float(problem.walking[here, problem.end]) + problem._end_dwell()
    return total


def build_route(problem: RouteProblem, middle: Sequence[int], solver: str, **stats: float) -> Route:
    """Turn an ordered list of optional stops into a `Route` (appending a distinct end exhibit)."""
    stops = list(middle)
    if problem.end is not None and problem.end != problem.start:
        stops.append(problem.end)
    arrivals: list[float] = []
    clock, walked, here = 0.0, 0.0, problem.start
    for stop in stops:
        leg = float(problem.walking[here, stop])
        clock += leg
        walked += leg
        arrivals.append(clock)
        clock += float(problem.dwell[stop])
        here = stop
    if problem.end is not None and problem.end == problem.start and stops:
        leg = float(problem.walking[here, problem.start])
        clock += leg
        walked += leg
    value = float(sum(problem.value[s] for s in stops))
    return Route(stops, arrivals, clock, walked, value, solver, dict(stats))


def _check_mandatory(problem: RouteProblem) -> None:
    if problem.budget < 0 or not math.isfinite(problem.budget):
        raise InfeasibleRouteError("The time budget must be a finite, non-negative number of minutes.")
    if route_minutes(problem, []) > problem.budget + EPS:
        raise InfeasibleRouteError("The end exhibit cannot be reached within the time budget.")


class _Arcs:
    """Dense arc costs over local nodes: 0 = start, 1..K = candidates, K+1 = sink (end or nowhere)."""

    def __init__(self, problem: RouteProblem, nodes: Sequence[int]) -> None:
        self.nodes = list(nodes)
        k = len(self.nodes)
        index = [problem.start, *self.nodes]
        walk = problem.walking[np.ix_(index, index)]
        self.walk = np.empty((k + 2, k + 2))
        self.walk[: k + 1, : k + 1] = walk
        to_sink = np.zeros(k + 1) if problem.end is None else problem.walking[index, problem.end] + problem._end_dwell()
        self.walk[: k + 1, k + 1] = to_sink
        self.walk[k + 1, :] = np.inf
        self.dwell = np.concatenate([[0.0], problem.dwell[self.nodes], [0.0]])
        self.value = np.concatenate([[0.0], problem.value[self.nodes], [0.0]])
        # Arrival cost: walking to j plus j's dwell, so a path's cost is a plain sum of arcs.
        self.cost = self.walk + self.dwell[np.newaxis, :]
        # Rows of the transpose are the columns of `cost`: gathering a few of them beats gathering every
        # candidate's row to read a few columns.
        self.cost_to = np.ascontiguousarray(self.cost.T)
        self.sink = k + 1
        self.budget = problem.budget
        # Candidates worth inserting, and whether 2-opt's delta (walking only) is exact.
        self.valuable = self.value > 0
        self.valuable[[0, self.sink]] = False
        block = self.walk[: k + 1, : k + 1]
        self.symmetric = bool(np.array_equal(block, block.T))

    def free_of(self, path: Sequence[int]) -> BoolArray:
        """Mask of the candidates not on `path` (start and sink are never free)."""
        free = np.ones(self.sink + 1, dtype=bool)
        free[list(path)] = False
        free[[0, self.sink]] = False
        return free

    def path_cost(self, path: Sequence[int]) -> float:
        # One conversion of the list instead of two (for each slice): called ~10 times per perturbation.
        nodes = np.asarray(path)
        return float(self.cost[nodes[:-1], nodes[1:]].sum())

    def path_value(self, path: Sequence[int]) -> float:
        return float(self.value[list(path)].sum())

    def to_problem_indices(self, path: Sequence[int]) -> list[int]:
        return [self.nodes[i - 1] for i in path[1:-1]]


def solve_exact(problem: RouteProblem, *, max_candidates: int = 18) -> Route:
    """Optimal route by dynamic programming over subsets (Held-Karp style), O(2^K K^2) for K candidates."""
    _check_mandatory(problem)
    nodes = problem.candidate_indices()
    k = len(nodes)
    if k > max_candidates:
        raise ValueError(f"{k} candidates is too many for the exact solver (max {max_candidates}).")
    arcs = _Arcs(problem, nodes)
    if k == 0:
        return build_route(problem, [], "exact")
    cost = arcs.cost[1 : k + 1, 1 : k + 1]  # between candidates
    from_start = arcs.cost[0, 1 : k + 1]
    to_sink = arcs.cost[1 : k + 1, arcs.sink]
    full = 1 << k
    best = np.full((full, k), np.inf)
    parent = np.full((full, k), -1, dtype=np.int64)
    for j in range(k):
        best[1 << j, j] = from_start[j]
    bits = 1 << np.arange(k)
    columns = np.arange(k)
    for mask in range(1, full):
        row = best[mask]
        if not np.isfinite(row).any():
            continue
        # Extend every path ending at i (in mask) by a candidate j outside mask.
        through = row[:, np.newaxis] + cost  # (i, j)
        through[:, (mask & bits) != 0] = np.inf
        choice = np.argmin(through, axis=0)
        extended = through[choice, columns]
        extended[extended > problem.budget + EPS] = np.inf
        targets = mask | bits
        better = extended < best[targets, columns]
        best[targets[better], columns[better]] = extended[better]
        parent[targets[better], columns[better]] = choice[better]
    closing = np.where(best + to_sink[np.newaxis, :] <= problem.budget + EPS, best + to_sink[np.newaxis, :], np.inf)
    mask_minutes = closing.min(axis=1)
    mask_last = np.where(np.isfinite(mask_minutes), closing.argmin(axis=1), -1)
    values: FloatArray = np.zeros(full)
    for j in range(k):
        values[(np.arange(full) >> j) & 1 == 1] += arcs.value[1 + j]
    values = np.where(np.isfinite(mask_minutes), values, -np.inf).astype(np.float64)
    values[0] = 0.0
    mask_minutes[0] = 0.0
    # Most value first; among (numerically) equal values the shortest route.
    top = values.max()
    ties = np.flatnonzero(values >= top - 1e-9)
    best_mask = int(ties[np.argmin(mask_minutes[ties])])
    best_last = int(mask_last[best_mask]) if best_mask else -1
    order: list[int] = []
    mask, last = best_mask, best_last
    while last >= 0:
        order.append(last)
        previous = int(parent[mask, last])
        mask &= ~(1 << last)
        last = previous
    order.reverse()
    return build_route(problem, [nodes[i] for i in order], "exact", candidates=float(k))


def _two_opt(arcs: _Arcs, path: list[int]) -> list[int]:
    """Shorten a path with 2-opt segment reversals (best move first, repeated until none helps)."""
    while len(path) >= 4:
        p = np.asarray(path)
        a, b = p[:-1], p[1:]
        # Reverse path[i+1 .. j]: arcs (a_i, b_i) and (a_j, b_j) become (a_i, a_j) and (b_i, b_j).
        ab = arcs.walk[a, b]
        delta = arcs.walk[a[:, None], a[None, :]] + arcs.walk[b[:, None], b[None, :]] - ab[:, None] - ab[None, :]
        delta[_lower_triangle(len(a))] = 0.0
        i, j = divmod(int(np.argmin(delta)), len(a))
        if delta[i, j] >= -1e-7:
            break
        candidate = path[: i + 1] + path[i + 1 : j + 1][::-1] + path[j + 1 :]
        # An asymmetric walking matrix changes the reversed segment's own arcs too: keep the move only if
        # the exact cost drops (the delta above is exact when the matrix is symmetric).
        if not arcs.symmetric and arcs.path_cost(candidate) >= arcs.path_cost(path) - 1e-9:
            break
        path = candidate
    return path


_TRIANGLES: dict[int, BoolArray] = {}


def _lower_triangle(n: int) -> BoolArray:
    """Mask of the (i, j) pairs with j < i + 2 of an n x n move matrix (no 2-opt move), cached per size."""
    mask = _TRIANGLES.get(n)
    if mask is None:
        mask = ~np.triu(np.ones((n, n), dtype=bool), k=2)
        mask.setflags(write=False)
        _TRIANGLES[n] = mask
    return mask


def _relocate(arcs: _Arcs, path: list[int]) -> list[int]:
    """Or-opt: move single stops to the position where they cost least, while that shortens the path.

    First improvement in path order, all moves of a pass priced at once: moving stop `pos` into arc e
    costs extra[pos, e]; the two arcs next to it are left out (putting it back where it was saves nothing).
    """
    while len(path) >= 4:
        p = np.asarray(path)
        a, b, stops = p[:-1], p[1:], p[1:-1]
        # saving[i]: minutes saved by taking stops[i] out (its neighbours then meet directly).
        saving = arcs.cost[p[:-2], stops] + arcs.cost[stops, p[2:]] - arcs.cost[p[:-2], p[2:]]
        extra = arcs.cost[a[None, :], stops[:, None]] + arcs.cost[stops[:, None], b[None, :]] - arcs.cost[a, b][None, :]
        rows = np.arange(stops.size)
        extra[rows, rows] = np.inf
        extra[rows, rows + 1] = np.inf
        best = np.argmin(extra, axis=1)
        moves = np.flatnonzero(extra[rows, best] < saving - 1e-7)
        if not moves.size:
            break
        i = int(moves[0])
        node, arc = path[i + 1], int(best[i])
        rest = path[: i + 1] + path[i + 2 :]
        # Arcs after the removed stop shift one place to the left in `rest`.
        after = arc if arc < i else arc - 1
        path = [*rest[: after + 1], node, *rest[after + 1 :]]
    return path


def _insert_greedy(arcs: _Arcs, path: list[int], free: BoolArray, rng: np.random.Generator | None) -> list[int]:
    """Insert free candidates by best value / extra-time ratio while the budget allows (clears their `free`).

    Each candidate's cheapest arc is kept up to date as the path grows: an insertion splits one arc in
    two, so only the two new arcs are priced, and only candidates whose cheapest arc was the split one
    look at all arcs again.
    """
    pool = np.flatnonzero(free & arcs.valuable)
    if pool.size == 0:
        return path
    slack = arcs.budget - arcs.path_cost(path)
    p = np.asarray(path)
    a, b = p[:-1], p[1:]
    arcs_now = a.size
    capacity = arcs_now + min(pool.size, 16)
    # extra[c, e]: minutes of detouring through pool[c] on arc e, arcs listed by the node they leave (`tails`).
    extra: FloatArray = np.empty((pool.size, capacity))
    extra[:, :arcs_now] = (arcs.cost[a][:, pool] + arcs.cost_to[b][:, pool] - arcs.cost[a, b][:, None]).T
    best_arc = np.argmin(extra[:, :arcs_now], axis=1)
    rows = np.arange(pool.size)
    best = extra[rows, best_arc]
    if not (best <= slack + EPS).any():
        return path
    tails: npt.NDArray[np.int64] = np.empty(capacity, dtype=np.int64)
    tails[:arcs_now] = a
    heads = np.empty(arcs.sink + 1, dtype=np.int64)
    heads[a] = b
    # Value per minute of detour. Squared values (before 2026-12-02) took one valuable exhibit over two that
    # fill the same minutes and are worth more together; measured, they left routes at 200 exhibits 0.7% short
    # of a longer search on average, the plain ratio 0.0-0.1%.
    weight = arcs.value[pool]
    if rng is not None:
        # Perturbed ratios diversify the rebuilt routes of the local search.
        weight = weight * rng.uniform(0.5, 1.5, pool.size)
    waiting = np.ones(pool.size, dtype=bool)
    cost, cost_to = arcs.cost, arcs.cost_to
    while True:
        feasible = waiting & (best <= slack + EPS)
        if not feasible.any():
            break
        pick = int(np.argmax(np.where(feasible, weight / np.maximum(best, 1e-3), -np.inf)))
        node, arc = int(pool[pick]), int(best_arc[pick])
        tail = int(tails[arc])
        head = int(heads[tail])
        path.insert(path.index(tail) + 1, node)
        slack -= float(best[pick])
        free[node] = False
        waiting[pick] = False
        if arcs_now == capacity:
            extra = np.concatenate([extra, np.empty((pool.size, capacity))], axis=1)
            tails = np.concatenate([tails, np.empty(capacity, dtype=np.int64)])
            capacity *= 2
        # Arc `arc` becomes tail -> node, a new arc node -> head is appended.
        first = cost[tail][pool] + cost_to[node][pool] - cost[tail, node]
        second = cost[node][pool] + cost_to[head][pool] - cost[node, head]
        extra[:, arc] = first
        extra[:, arcs_now] = second
        tails[arcs_now] = node
        heads[tail], heads[node] = node, head
        split = best_arc == arc
        best_arc = np.where(first < best, arc, best_arc)
        best = np.minimum(best, first)
        best_arc = np.where(second < best, arcs_now, best_arc)
        best = np.minimum(best, second)
        arcs_now += 1
        if split.any():
            again = np.flatnonzero(split & waiting)
            if again.size:
                best_arc[again] = np.argmin(extra[again, :arcs_now], axis=1)
                best[again] = extra[again, best_arc[again]]
    return path


def _exchange(arcs: _Arcs, path: list[int], free: BoolArray) -> tuple[list[int], bool]:
    """Swap stops for more valuable free exhibits while the budget allows, best swap first.

    The exhibit coming in goes wherever it costs least on the path without the stop it replaces, not only
    into that stop's place: a swap in place cannot trade a stop near the start for a better exhibit past the
    end of the route. Taking out stop i removes arcs i and i + 1 and joins its neighbours, so the cheapest
    other arc is the better of a running minimum over the arcs before and one over the arcs after them.
    """
    swapped = False
    minutes = arcs.path_cost(path)
    cost, cost_to, value = arcs.cost, arcs.cost_to, arcs.value
    while len(path) >= 3:
        p = np.asarray(path)
        stop = p[1:-1]
        pool = np.flatnonzero(free)
        # Only candidates worth more than the least valuable stop can gain anything.
        pool = pool[value[pool] > value[stop].min() + EPS]
        if not pool.size:
            break
        a, b = p[:-1], p[1:]
        into = cost[a][:, pool]  # (arc, candidate): from the arc's tail to the candidate
        out_of = cost_to[b][:, pool]  # from the candidate to the arc's head
        extra = into + out_of - cost[a, b][:, None]
        elsewhere = np.full((stop.size, pool.size), np.inf)
        if stop.size > 1:
            np.minimum.accumulate(extra[:-2], axis=0, out=elsewhere[1:])
            np.minimum(elsewhere[:-1], np.minimum.accumulate(extra[:1:-1], axis=0)[::-1], out=elsewhere[:-1])
        joined = cost[p[:-2], p[2:]]
        in_place = into[:-1] + out_of[1:] - joined[:, None]
        saving = cost[p[:-2], stop] + cost[stop, p[2:]] - joined
        added = np.minimum(in_place, elsewhere)
        gain = value[pool][None, :] - value[stop][:, None]
        gain[(added > (arcs.budget + EPS - minutes + saving)[:, None]) | (gain <= EPS)] = -np.inf
        i, pick = divmod(int(np.argmax(gain)), pool.size)
        if not np.isfinite(gain[i, pick]):
            break
        old, new = int(stop[i]), int(pool[pick])
        free[old], free[new] = True, False
        if in_place[i, pick] <= elsewhere[i, pick]:
            at = i  # the arc that joins the old stop's neighbours
        else:
            column = extra[:, pick].copy()
            column[[i, i + 1]] = np.inf
            arc = int(np.argmin(column))
            # Arcs after the old stop move one place to the left once it is gone.
            at = arc if arc < i else arc - 1
        path = path[: i + 1] + path[i + 2 :]
        path.insert(at + 1, new)
        minutes += float(added[i, pick] - saving[i])
        swapped = True
    return path, swapped


def _improve(arcs: _Arcs, path: list[int], free: BoolArray, rng: np.random.Generator | None) -> list[int]:
    """Local search: insert, shorten with 2-opt and or-opt, swap in better exhibits, insert what saved minutes allow.

    Each move runs only when the moves before it changed something it depends on: swaps after the path got
    shorter, insertions once it is shorter than when insertion last found nothing to add.
    """
    path = _insert_greedy(arcs, path, free, rng)
    settled = arcs.path_cost(path)
    path = _relocate(arcs, _two_opt(arcs, path))
    while True:
        path, swapped = _exchange(arcs, path, free)
        if swapped:
            minutes = arcs.path_cost(path)
            path = _relocate(arcs, _two_opt(arcs, path))
            if arcs.path_cost(path) < minutes - EPS:
                continue  # the swapped-in stops were re-ordered: more swaps may fit now
        if arcs.path_cost(path) >= settled - EPS:
            return path
        before = len(path)
        path = _insert_greedy(arcs, path, free, None)
        settled = arcs.path_cost(path)
        if len(path) == before:
            return path
        path = _relocate(arcs, _two_opt(arcs, path))


def _better(arcs: _Arcs, path: list[int], than: list[int]) -> bool:
    value, other = arcs.path_value(path), arcs.path_value(than)
    if value > other + EPS:
        return True
    return abs(value - other) <= EPS and arcs.path_cost(path) < arcs.path_cost(than) - EPS


def solve_ils(
    problem: RouteProblem,
    *,
    time_limit_s: float = 0.15,
    seed: int = 0,
    max_iterations: int = 10_000,
    patience: int | None = ILS_PATIENCE,
    min_gain: float = ILS_MIN_GAIN,
    max_drop: int = ILS_MAX_DROP,
) -> Route:
    """Iterated local search: greedy insertion + 2-opt, then drop-a-segment perturbations.

    Stops once `patience` perturbations in a row have not improved the best route by at least `min_gain`
    (relative to the route of the last such improvement; None: never), after `max_iterations`, or when
    `time_limit_s` runs out, whichever comes first. Smaller gains still replace the best route; they only
    do not extend the search. Without the time limit biting, the result depends only on the problem and `seed`.
    """
    _check_mandatory(problem)
    started = time.perf_counter()
    nodes = problem.candidate_indices()
    arcs = _Arcs(problem, nodes)
    rng = np.random.default_rng(seed)
    current = _improve(arcs, [0, arcs.sink], arcs.free_of([0, arcs.sink]), None)
    best = list(current)
    iterations = last_improvement = 0
    mark = arcs.path_value(best)  # value of the best route when the search last made real progress
    while (
        iterations < max_iterations
        and (patience is None or iterations - last_improvement < patience)
        and time.perf_counter() - started < time_limit_s
        and len(nodes) > 0
    ):
        iterations += 1
        trial = list(current)
        inner = len(trial) - 2
        # No restarts from an empty route: measured, they cost a construction each and found less in the
        # same number of perturbations at 50-200 exhibits (and nothing more on small venues).
        if inner > 0:
            # Drop a random segment (or scattered stops) so that other exhibits can take its place.
            length = int(rng.integers(1, max(1, min(inner, 1 + inner // 3, max_drop)), endpoint=True))
            if rng.random() < 0.5:
                first = int(rng.integers(1, inner - length + 1, endpoint=True))
                del trial[first : first + length]
            else:
                for _ in range(length):
                    del trial[int(rng.integers(1, len(trial) - 2, endpoint=True))]
        trial = _improve(arcs, trial, arcs.free_of(trial), rng)
        if _better(arcs, trial, current) or rng.random() < 0.05:
            current = trial
        if _better(arcs, current, best):
            best = list(current)
            if arcs.path_value(best) > mark * (1 + min_gain):
                mark = arcs.path_value(best)
                last_improvement = iterations
        elif rng.random() < 0.1:
            current = list(best)
    elapsed = time.perf_counter() - started
    return build_route(
        problem,
        arcs.to_problem_indices(best),
        "ils",
        iterations=float(iterations),
        last_improvement=float(last_improvement),
        seconds=elapsed,
    )


def solve_ortools(problem: RouteProblem, *, time_limit_s: float = 0.15, scale: int = 100) -> Route:
    """OR-Tools routing: optional stops as disjunctions (penalty = value), budget as a time dimension."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    _check_mandatory(problem)
    started = time.perf_counter()
    nodes = problem.candidate_indices()
    arcs = _Arcs(problem, nodes)
    sink = arcs.sink
    big = math.ceil(problem.budget * scale) + 1
    # Integer minutes x scale, rounded up so that a route feasible in integers is feasible in floats.
    cost_int = np.where(np.isfinite(arcs.cost), np.ceil(arcs.cost * scale - 1e-6), big * 10).astype(np.int64)
    manager = pywrapcp.RoutingIndexManager(sink + 1, 1, [0], [sink])
    routing = pywrapcp.RoutingModel(manager)

    def transit(from_index: int, to_index: int) -> int:
        return int(cost_int[manager.IndexToNode(from_index), manager.IndexToNode(to_index)])

    callback = routing.RegisterTransitCallback(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    routing.AddDimension(callback, 0, math.floor(problem.budget * scale + 1e-6), True, "time")
    # Penalties dwarf arc costs so that value comes first and minutes only break ties.
    weight = 1000 * big
    for local in range(1, sink):
        penalty = round(float(arcs.value[local]) * weight) + 1
        routing.AddDisjunction([manager.NodeToIndex(local)], penalty)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    solution = routing.SolveWithParameters(params)
    path = [0]
    if solution is not None:
        index = routing.Start(0)
        while not routing.IsEnd(index):
            index = solution.Value(routing.NextVar(index))
            path.append(manager.IndexToNode(index))
    else:
        path.append(sink)
    return build_route(problem, arcs.to_problem_indices(path), "ortools", seconds=time.perf_counter() - started)


def plan_route(
    problem: RouteProblem, *, time_limit_s: float = 0.15, patience: int | None = ILS_PATIENCE, method: str = "auto"
) -> Route:
    """Best route: exact for small instances, else the iterated local search until it stops improving
    (`patience`), with `time_limit_s` as the safety net."""
    if method == "exact" or (method == "auto" and len(problem.candidate_indices()) <= EXACT_MAX_CANDIDATES):
        return solve_exact(problem)
    if method == "ortools":
        return solve_ortools(problem, time_limit_s=time_limit_s)
    return solve_ils(problem, time_limit_s=time_limit_s, patience=patience)
