"""Writes: publish exhibit emotion profile snapshots, and plan routes."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from emotions.models import Visitor
from exhibits.models import Exhibit
from exhibits.walking import walking_matrix
from museum_guide import disclosure
from museum_guide.api_errors import ApiError
from recommendations import ranking, selectors
from recommendations.models import ExhibitEmotionProfile, VenueProfileVersion
from recommendations.routing import InfeasibleRouteError, RouteProblem, plan_route
from recommendations.selectors import ExhibitSummary

logger = logging.getLogger(__name__)


def _snapshot_of(exhibit_id: int, labels: Sequence[str]) -> tuple[disclosure.ProfileSnapshot, int]:
    """The exhibit's snapshot from all its events (each visitor's mean score vector) and the newest event id."""
    from emotions.models import EmotionEvent

    sums: dict[object, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[object, int] = defaultdict(int)
    newest = 0
    for pk, visitor_id, scores in EmotionEvent.objects.filter(exhibit_id=exhibit_id).values_list(
        "pk", "visitor_id", "scores"
    ):
        newest = max(newest, int(pk))
        counts[visitor_id] += 1
        for label, score in (scores or {}).items():
            sums[visitor_id][label] += float(score)
    per_visitor = [{label: total / counts[v] for label, total in sums[v].items()} for v in counts]
    # Without a loadable model (a fresh checkout), the labels the events carry.
    labels = labels or tuple(sorted({label for vector in per_visitor for label in vector}))
    return disclosure.profile_snapshot(per_visitor, labels), newest


def _new_visitors(exhibit_id: int, through_event: int) -> int:
    from emotions.models import EmotionEvent

    return (
        EmotionEvent.objects.filter(exhibit_id=exhibit_id, pk__gt=through_event).values("visitor_id").distinct().count()
    )


@transaction.atomic
def profile_publish_if_due(*, exhibit_id: int, labels: Sequence[str] | None = None) -> bool:
    """Publish a new snapshot of the exhibit's public profile if k distinct visitors came since the last one.

    Runs in the event's transaction; the row lock serialises concurrent events of one exhibit, so two
    workers never publish from the same new visitors twice. Returns whether a snapshot was published.
    """
    ExhibitEmotionProfile.objects.get_or_create(exhibit_id=exhibit_id)
    profile = ExhibitEmotionProfile.objects.select_for_update().get(exhibit_id=exhibit_id)
    k = disclosure.min_group_size()
    new_visitors = _new_visitors(exhibit_id, profile.through_event)
    if not disclosure.profile_publication_due(new_visitors=new_visitors, k=k):
        return False
    snapshot, newest = _snapshot_of(exhibit_id, labels if labels is not None else selectors.labels_or_seen())
    profile.hold(snapshot)
    profile.through_event, profile.published_at = newest, timezone.now()
    profile.save()
    venue_profiles_changed(exhibit_ids=[exhibit_id])
    return True


def venue_profiles_changed(*, exhibit_ids: Iterable[int]) -> None:
    """Bump the `VenueProfileVersion` of the exhibits' venues (in the caller's transaction).

    Cached ranking inputs of those venues are then reloaded by the next request of every process.
    """
    venue_ids = set(Exhibit.objects.filter(pk__in=list(exhibit_ids)).values_list("hall__venue_id", flat=True))
    for venue_id in venue_ids:
        versions = VenueProfileVersion.objects.filter(venue_id=venue_id)
        # An SQL increment, so concurrent bumps never collapse into one; the first bump creates the row.
        if not versions.update(version=F("version") + 1, updated_at=timezone.now()):
            _row, created = VenueProfileVersion.objects.get_or_create(venue_id=venue_id, defaults={"version": 1})
            if not created:  # another transaction created it meanwhile: still a change of our own to count
                versions.update(version=F("version") + 1, updated_at=timezone.now())


def profiles_publish(*, exhibit_ids: Iterable[int] | None = None) -> int:
    """Publish every due snapshot (all exhibits, or the given ones); returns how many were published.

    Needed after bulk loads that send no signals (benchmarks, imports); a snapshot that is not due
    stays as it is, so this never reveals fewer than k visitors' change.
    """
    ids = Exhibit.objects.values_list("pk", flat=True) if exhibit_ids is None else sorted(set(exhibit_ids))
    labels = selectors.labels_or_seen()
    published = sum(profile_publish_if_due(exhibit_id=pk, labels=labels) for pk in list(ids))
    logger.info("published %d exhibit emotion profile snapshots", published)
    return published


@dataclass(frozen=True)
class RouteStop:
    """One stop of a planned route."""

    exhibit: ExhibitSummary
    arrival_minute: float
    dwell_minutes: float
    expected_emotions: dict[str, float]
    value: float
    reason: str


@dataclass(frozen=True)
class PlannedRoute:
    """A planned route and its totals."""

    start: ExhibitSummary
    stops: list[RouteStop]
    total_minutes: float
    walking_minutes: float
    score: float
    time_budget_minutes: float
    step_free: bool
    solver: str


def _summary(exhibit: Exhibit) -> ExhibitSummary:
    return ExhibitSummary(
        exhibit.pk, exhibit.title, exhibit.slug, exhibit.hall_id, exhibit.hall.name, exhibit.hall.floor
    )


def route_plan(
    *,
    visitor: Visitor,
    start_exhibit: str | int,
    time_budget_minutes: float,
    emotions: Sequence[str] | None = None,
    step_free: bool = False,
    end_exhibit: str | int | None = None,
) -> PlannedRoute:
    """Plan the most rewarding route for the visitor's wish within their time (the orienteering problem).

    Stops are active exhibits the visitor has not visited yet; the value of a stop is the expected
    share of the desired expressions there (the personalised profile); walking times are shortest
    paths of the venue's graph, step-free ones when asked, so no stair passage is ever used then.
    """
    labels = selectors.model_labels()
    start = selectors.exhibit_resolve(start_exhibit, field="start_exhibit")
    end = (
        None
        if end_exhibit is None or end_exhibit == ""
        else selectors.exhibit_resolve(end_exhibit, field="end_exhibit")
    )
    venue_id = start.hall.venue_id
    if end is not None and end.hall.venue_id != venue_id:
        raise ApiError("different_venues", "end_exhibit: it is in another venue than start_exhibit.")
    desired, _names = selectors.desired_emotions_resolve(emotions, visitor, labels)
    if step_free:
        for field, exhibit in (("start_exhibit", start), ("end_exhibit", end)):
            if exhibit is not None and not exhibit.hall.is_step_free:
                raise ApiError("not_step_free", f"{field}: {exhibit.title!r} is in a hall that is not step-free.")
    data = selectors.venue_ranking_data(
        venue_id, labels=labels, language=visitor.language, versions=selectors.resolved_versions(start)
    )
    # Start and end may be inactive (a closed room by the exit): they join the problem as extra rows.
    extra = [e for e in (start, end) if e is not None and e.pk not in data.index]
    extra = list({e.pk: e for e in extra}.values())
    ids = [e.id for e in data.exhibits] + [e.pk for e in extra]
    summaries = data.exhibits + [_summary(e) for e in extra]
    row_of = {pk: i for i, pk in enumerate(ids)}
    matrix = walking_matrix(venue_id, step_free=step_free, graph_version=selectors.resolved_graph_version(start))
    walking = np.asarray(matrix.submatrix(ids), dtype=np.float64)
    sensitivity = selectors.visitor_sensitivity(visitor, data)
    relevance = ranking.relevance_scores(ranking.personalised_profiles(data.profiles, sensitivity), desired)
    value = np.concatenate([relevance, np.zeros(len(extra))])
    dwell = np.concatenate([data.dwell, [float(e.dwell_minutes) for e in extra]])
    candidates = np.zeros(len(ids), dtype=bool)
    candidates[: len(data.exhibits)] = True
    for pk in selectors.visitor_visited_exhibit_ids(visitor):
        if pk in row_of:
            candidates[row_of[pk]] = False
    problem = RouteProblem(
        walking=walking,
        dwell=dwell,
        value=value,
        start=row_of[start.pk],
        budget=float(time_budget_minutes),
        end=None if end is None else row_of[end.pk],
        candidates=candidates,
    )
    try:
        route = plan_route(
            problem, time_limit_s=settings.ROUTE_TIME_LIMIT_SECONDS, patience=settings.ROUTE_ILS_PATIENCE
        )
    except InfeasibleRouteError as exc:
        raise ApiError("budget_too_small", f"time_budget_minutes: {exc}") from exc
    stops = []
    for row, arrival in zip(route.stops, route.arrivals, strict=True):
        in_data = row < len(data.exhibits)
        label = labels[int(np.argmax(data.profiles[row] * desired))] if in_data else ""
        stops.append(
            RouteStop(
                exhibit=summaries[row],
                arrival_minute=round(arrival, 1),
                dwell_minutes=float(dwell[row]),
                expected_emotions=data.expected_emotions(row) if in_data else {},
                value=round(float(value[row]), 4),
                reason=selectors.reason_for(data, row, label) if in_data else "",
            )
        )
    return PlannedRoute(
        start=summaries[row_of[start.pk]],
        stops=stops,
        total_minutes=round(route.total_minutes, 1),
        walking_minutes=round(route.walking_minutes, 1),
        score=round(route.value, 4),
        time_budget_minutes=float(time_budget_minutes),
        step_free=step_free,
        solver=route.solver,
    )
