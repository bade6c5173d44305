"""Walking minutes between the exhibits of a venue, as one all-pairs matrix per venue.

The graph: every exhibit is a node at its position; every passage contributes two door nodes, one on
each hall's floor plan, joined by an edge of `walking_seconds`. Inside a hall every pair of nodes is
joined by the straight-line distance at `settings.WALKING_SPEED_M_PER_S`. Dijkstra from every exhibit
then gives the matrix. The step-free variant drops non-step-free passages and halls; exhibits it cannot
reach are `inf` away.

Matrices are cached per process under `(venue_id, Venue.graph_version, step_free)`. Signals in
`exhibits.signals` bump the version whenever a hall, an exhibit position or a passage changes, so a
lookup costs one indexed query for the version and a dictionary hit. Code that changes the graph with
`QuerySet.update()` (which sends no signals) must call `venue_graph_changed` itself.

Public API:
    walking_matrix(venue_id, *, step_free=False, graph_version=None) -> WalkingMatrix
    walking_minutes(from_exhibit_id, to_exhibit_id, *, step_free=False) -> float
    venue_graph_changed(*, venue_ids=(), hall_ids=()) -> None
    clear_walking_cache() -> None
"""

import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db.models import F
from scipy.sparse import coo_array
from scipy.sparse.csgraph import shortest_path

from exhibits.models import Exhibit, Hall, Passage, Venue

# csgraph treats an explicit 0 as "no edge"; two exhibits on the same spot (or a door right at an
# exhibit) would silently be disconnected, so every edge weighs at least this many minutes.
_MIN_EDGE_MINUTES = 1e-9
_CACHE_SIZE = 64

_cache: "OrderedDict[tuple[int, int, bool], WalkingMatrix]" = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True, eq=False)
class WalkingMatrix:
    """All-pairs walking minutes between the exhibits (active or not) of one venue."""

    venue_id: int
    graph_version: int
    step_free: bool
    exhibit_ids: tuple[int, ...]
    minutes: npt.NDArray[np.float64]  # (n, n), read-only; inf = unreachable
    _index: dict[int, int] = field(repr=False)

    def index_of(self, exhibit_id: int) -> int | None:
        """Row/column of an exhibit, or None if it is not in this venue."""
        return self._index.get(exhibit_id)

    def between(self, from_exhibit_id: int, to_exhibit_id: int) -> float:
        """Minutes from one exhibit to another; inf if unreachable or not in this venue."""
        i, j = self._index.get(from_exhibit_id), self._index.get(to_exhibit_id)
        if i is None or j is None:
            return math.inf
        return float(self.minutes[i, j])

    def row(self, exhibit_id: int) -> npt.NDArray[np.float64]:
        """Minutes from one exhibit to every exhibit, in `exhibit_ids` order (a read-only view)."""
        row: npt.NDArray[np.float64] = self.minutes[self._index[exhibit_id]]
        return row

    def from_exhibit(self, exhibit_id: int) -> dict[int, float]:
        """Minutes from one exhibit to every exhibit, keyed by exhibit id."""
        return dict(zip(self.exhibit_ids, self.row(exhibit_id).tolist(), strict=True))

    def submatrix(self, exhibit_ids: Sequence[int]) -> npt.NDArray[np.float64]:
        """Minutes between the given exhibits, in the given order (for route planning)."""
        positions = np.fromiter((self._index[pk] for pk in exhibit_ids), dtype=np.intp, count=len(exhibit_ids))
        sub: npt.NDArray[np.float64] = self.minutes[np.ix_(positions, positions)]
        return sub

    def is_connected(self) -> bool:
        """True when every exhibit can reach every other one."""
        return bool(np.isfinite(self.minutes).all())


def walking_matrix(venue_id: int, *, step_free: bool = False, graph_version: int | None = None) -> WalkingMatrix:
    """The venue's walking matrix, computed once per graph version and process.

    A caller that has just read the venue's `graph_version` (with the exhibit it starts from) passes it
    and saves the query.
    """
    # Read the version before the graph: a concurrent change then at worst caches newer data under the
    # old version, which nobody asks for once the new version is committed.
    version = graph_version
    if version is None:
        version = Venue.objects.filter(pk=venue_id).values_list("graph_version", flat=True).first()
    if version is None:
        raise Venue.DoesNotExist(f"No venue {venue_id}.")
    key = (venue_id, version, step_free)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    matrix = compute_walking_matrix(venue_id, graph_version=version, step_free=step_free)
    with _cache_lock:
        # Older versions of this venue can never be asked for again.
        for stale in [k for k in _cache if k[0] == venue_id and k[1] != version]:
            del _cache[stale]
        _cache[key] = matrix
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return matrix


def walking_minutes(from_exhibit_id: int, to_exhibit_id: int, *, step_free: bool = False) -> float:
    """Minutes between two exhibits; inf if unreachable or in different venues."""
    venues = dict(Exhibit.objects.filter(pk__in=[from_exhibit_id, to_exhibit_id]).values_list("pk", "hall__venue_id"))
    if len(venues) != len({from_exhibit_id, to_exhibit_id}):
        raise Exhibit.DoesNotExist(f"No exhibit {from_exhibit_id} or {to_exhibit_id}.")
    if venues[from_exhibit_id] != venues[to_exhibit_id]:
        return math.inf
    return walking_matrix(venues[from_exhibit_id], step_free=step_free).between(from_exhibit_id, to_exhibit_id)


def venue_graph_changed(*, venue_ids: Iterable[int | None] = (), hall_ids: Iterable[int | None] = ()) -> None:
    """Invalidate cached matrices of the given venues (and of the venues of the given halls)."""
    venue_set = {pk for pk in venue_ids if pk is not None}
    hall_set = {pk for pk in hall_ids if pk is not None}
    if hall_set:
        venue_set.update(Hall.objects.filter(pk__in=hall_set).values_list("venue_id", flat=True))
    if venue_set:
        # An SQL increment, so concurrent bumps never collapse into one.
        Venue.objects.filter(pk__in=venue_set).update(graph_version=F("graph_version") + 1)


def clear_walking_cache() -> None:
    """Forget every cached matrix of this process (tests; memory pressure)."""
    with _cache_lock:
        _cache.clear()


def compute_walking_matrix(venue_id: int, *, graph_version: int, step_free: bool) -> WalkingMatrix:
    """Build the venue's graph from the database and run Dijkstra from every exhibit."""
    allowed_halls = {
        pk
        for pk, hall_step_free in Hall.objects.filter(venue_id=venue_id).values_list("pk", "is_step_free")
        if hall_step_free or not step_free
    }
    exhibits = list(
        Exhibit.objects.filter(hall__venue_id=venue_id)
        .order_by("pk")
        .values_list("pk", "hall_id", "position_x_m", "position_y_m")
    )
    passages = Passage.objects.filter(hall_a__venue_id=venue_id, hall_b__venue_id=venue_id).values_list(
        *Passage.GRAPH_FIELDS
    )
    n = len(exhibits)
    # Points per hall: (node index, x, y); exhibits are nodes 0..n-1, doors follow.
    points: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for node, (_pk, hall_id, x, y) in enumerate(exhibits):
        points[hall_id].append((node, x, y))
    rows: list[npt.NDArray[np.intp]] = []
    cols: list[npt.NDArray[np.intp]] = []
    weights: list[npt.NDArray[np.float64]] = []
    next_node = n
    for hall_a, hall_b, ax, ay, bx, by, seconds, passage_step_free in passages:
        if hall_a not in allowed_halls or hall_b not in allowed_halls or (step_free and not passage_step_free):
            continue
        door_a, door_b = next_node, next_node + 1
        next_node += 2
        points[hall_a].append((door_a, ax, ay))
        points[hall_b].append((door_b, bx, by))
        rows.append(np.array([door_a]))
        cols.append(np.array([door_b]))
        weights.append(np.array([seconds / 60.0]))
    metres_per_minute = settings.WALKING_SPEED_M_PER_S * 60.0
    for hall_id, hall_points in points.items():
        if hall_id not in allowed_halls or len(hall_points) < 2:
            continue
        nodes = np.array([p[0] for p in hall_points], dtype=np.intp)
        xy = np.array([(p[1], p[2]) for p in hall_points], dtype=np.float64)
        i, j = np.triu_indices(len(nodes), k=1)
        rows.append(nodes[i])
        cols.append(nodes[j])
        weights.append(np.hypot(*(xy[i] - xy[j]).T) / metres_per_minute)
    size = max(next_node, 1)
    if weights:
        data = np.maximum(np.concatenate(weights), _MIN_EDGE_MINUTES)
        graph = coo_array((data, (np.concatenate(rows), np.concatenate(cols))), shape=(size, size)).tocsr()
    else:
        graph = coo_array((size, size), dtype=np.float64).tocsr()
    if n:
        distances = shortest_path(graph, method="D", directed=False, indices=np.arange(n))
        minutes = np.ascontiguousarray(distances[:, :n])
    else:
        minutes = np.zeros((0, 0))
    minutes.setflags(write=False)
    exhibit_ids = tuple(pk for pk, *_ in exhibits)
    return WalkingMatrix(
        venue_id=venue_id,
        graph_version=graph_version,
        step_free=step_free,
        exhibit_ids=exhibit_ids,
        minutes=minutes,
        _index={pk: position for position, pk in enumerate(exhibit_ids)},
    )
