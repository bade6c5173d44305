"""Writes: keep exhibit emotion profiles current, rebuild them, and plan routes."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from emotions.models import Visitor
from exhibits.models import Exhibit
from exhibits.walking import walking_matrix
from museum_guide.api_errors import ApiError
from recommendations import ranking, selectors
from recommendations.models import ExhibitEmotionProfile
from recommendations.routing import InfeasibleRouteError, RouteProblem, plan_route
from recommendations.selectors import ExhibitSummary

logger = logging.getLogger(__name__)


def _add(target: dict[str, float], scores: Mapping[str, float], sign: int) -> dict[str, float]:
    result = dict(target)
    for label, score in scores.items():
        result[label] = float(result.get(label, 0.0)) + sign * float(score)
    return result


@transaction.atomic
def profile_event_apply(*, exhibit_id: int, scores: Mapping[str, float], label: str, sign: int = 1) -> None:
    """Add (sign=+1) or remove (sign=-1) one event's score vector to its exhibit's running sums, in O(1).

    Runs inside the event's transaction, so the profile never counts an event that was rolled back.
    """
    if sign > 0:
        ExhibitEmotionProfile.objects.get_or_create(exhibit_id=exhibit_id)
    # The row lock serialises concurrent events of one exhibit (PostgreSQL); SQLite serialises writers.
    profile = ExhibitEmotionProfile.objects.select_for_update().filter(exhibit_id=exhibit_id).first()
    if profile is None:  # a removal whose exhibit (and profile) is being deleted in this transaction
        return
    if sign < 0 and profile.n_events == 0:
        return
    profile.n_events += sign
    profile.score_sums = _add(profile.score_sums, scores, sign)
    profile.label_counts = _add(profile.label_counts, {label: 1.0}, sign)
    if profile.n_events == 0:
        # Float sums of added-then-removed vectors leave dust; an empty profile is exactly empty.
        profile.score_sums, profile.label_counts = {}, {}
    profile.save(update_fields=["n_events", "score_sums", "label_counts", "updated_at"])


def _event_table_sums(exhibit_ids: list[int] | None) -> dict[int, dict[str, float]]:
    """Per exhibit, the sum of every label's score over its events, summed inside the database."""
    from emotions.models import EmotionEvent

    table = EmotionEvent._meta.db_table
    if connection.vendor == "postgresql":
        each, value = "jsonb_each_text(e.scores)", "j.value::double precision"
    else:  # SQLite's json_each
        each, value = "json_each(e.scores)", "j.value"
    where, params = "", []
    if exhibit_ids is not None:
        where = f"WHERE e.exhibit_id IN ({', '.join(['%s'] * len(exhibit_ids))})"
        params = list(exhibit_ids)
    sql = f"SELECT e.exhibit_id, j.key, SUM({value}) FROM {table} e, {each} j {where} GROUP BY e.exhibit_id, j.key"
    sums: dict[int, dict[str, float]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for exhibit_id, label, total in cursor.fetchall():
            sums[int(exhibit_id)][str(label)] = float(total)
    return sums


@transaction.atomic
def profiles_rebuild(*, exhibit_ids: Iterable[int] | None = None) -> int:
    """Recompute profiles from all events (all exhibits, or the given ones); returns the rows written.

    Needed after bulk loads or deletes that send no signals. Profile rows are locked first, so an
    event committing meanwhile either is in the aggregate or waits and is added on top of it.
    """
    from django.db.models import Count

    from emotions.models import EmotionEvent

    ids = None if exhibit_ids is None else sorted(set(exhibit_ids))
    exhibits = Exhibit.objects.all() if ids is None else Exhibit.objects.filter(pk__in=ids)
    exhibit_pks = list(exhibits.values_list("pk", flat=True))
    list(ExhibitEmotionProfile.objects.select_for_update().filter(exhibit_id__in=exhibit_pks).values_list("pk"))
    events = EmotionEvent.objects.all() if ids is None else EmotionEvent.objects.filter(exhibit_id__in=ids)
    label_counts: dict[int, dict[str, float]] = defaultdict(dict)
    n_events: dict[int, int] = defaultdict(int)
    for exhibit_id, label, count in (
        events.values("exhibit_id", "label").annotate(n=Count("pk")).values_list("exhibit_id", "label", "n")
    ):
        label_counts[exhibit_id][label] = float(count)
        n_events[exhibit_id] += count
    sums = _event_table_sums(ids)
    rows = [
        ExhibitEmotionProfile(
            exhibit_id=pk,
            n_events=n_events.get(pk, 0),
            score_sums=sums.get(pk, {}),
            label_counts=label_counts.get(pk, {}),
        )
        for pk in exhibit_pks
    ]
    ExhibitEmotionProfile.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["exhibit"],
        update_fields=["n_events", "score_sums", "label_counts", "updated_at"],
    )
    logger.info("rebuilt %d exhibit emotion profiles from %d events", len(rows), sum(n_events.values()))
    return len(rows)


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
    data = selectors.venue_ranking_data(venue_id, labels=labels, language=visitor.language)
    # Start and end may be inactive (a closed room by the exit): they join the problem as extra rows.
    extra = [e for e in (start, end) if e is not None and e.pk not in data.index]
    extra = list({e.pk: e for e in extra}.values())
    ids = [e.id for e in data.exhibits] + [e.pk for e in extra]
    summaries = data.exhibits + [_summary(e) for e in extra]
    row_of = {pk: i for i, pk in enumerate(ids)}
    matrix = walking_matrix(venue_id, step_free=step_free)
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
        route = plan_route(problem, time_limit_s=settings.ROUTE_TIME_LIMIT_SECONDS)
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
