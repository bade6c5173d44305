"""Latency of GET /api/v1/recommendations/ and POST /api/v1/routes/ on PostgreSQL with 1M events.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE museum_guide_bench"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/museum_guide_bench \\
        .venv/bin/python benchmarks/bench_recommendations.py --events 1000000

Builds once (reused while the venue exists; drop and create the database for a fresh one) a venue
of 10 halls on 2 floors with 200 exhibits, 20 000 visitors and N captures + emotion events
generated in bulk by SQL, then publishes the profile snapshots with `rebuild_emotion_profiles`' service.
Requests go through the full Django stack (middleware, token auth, serializers) in process with
DEBUG off, one at a time. Recommendations are timed three ways: nothing changed since the last request
(the process's cached ranking inputs are current: their versions come with the exhibit), a snapshot was
published before every request (the venue's float vectors are read again), and a cold process before every
request (catalogue and vectors read again). Then routes, and storing one event through the ORM (capture,
event, signals: the publication check and the report row). Each line: p50/p95/p99 and SQL queries.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable

import django_bench

# One client sends hundreds of requests a minute here: the per-visitor rate limits would answer 429.
for _scope in ("THROTTLE_VISITOR", "THROTTLE_ANON"):
    os.environ.setdefault(_scope, "1000000/minute")
django_bench.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_bench import FER_LABELS, percentile  # noqa: E402

from emotions.models import Capture, EmotionEvent, Visitor, VisitorToken  # noqa: E402
from exhibits.models import Exhibit, Hall, Passage, Venue  # noqa: E402
from recommendations import selectors  # noqa: E402
from recommendations.services import profiles_publish, venue_profiles_changed  # noqa: E402

SLUG = "bench-venue"


def build_venue() -> Venue:
    """10 halls (5 per floor), 20 exhibits each, doors between neighbours, stairs and a lift between floors."""
    venue = Venue.objects.create(name="Benchmark museum", slug=SLUG, city="Kazan")
    halls = [
        Hall.objects.create(venue=venue, name=f"Hall {i}", slug=f"bench-hall-{i}", floor=i // 5) for i in range(10)
    ]
    rng = random.Random(0)
    labels = list(FER_LABELS)
    exhibits = [
        Exhibit(
            hall=hall,
            title=f"Bench exhibit {h}-{k}",
            slug=f"bench-exhibit-{h}-{k}",
            position_x_m=rng.uniform(1, 40),
            position_y_m=rng.uniform(1, 25),
            dwell_minutes=rng.randint(2, 6),
            expected_emotions={rng.choice(labels): 0.7, rng.choice(labels): 0.3},
        )
        for h, hall in enumerate(halls)
        for k in range(20)
    ]
    Exhibit.objects.bulk_create(exhibits)
    for i in range(9):
        if i == 4:
            continue
        Passage.objects.create(hall_a=halls[i], hall_b=halls[i + 1], door_a_x_m=40, door_b_x_m=0, walking_seconds=10)
    Passage.objects.create(
        hall_a=halls[0], hall_b=halls[5], kind=Passage.Kind.STAIRS, is_step_free=False, walking_seconds=40
    )
    Passage.objects.create(
        hall_a=halls[4], hall_b=halls[9], kind=Passage.Kind.LIFT, door_a_x_m=40, door_b_x_m=40, walking_seconds=90
    )
    return venue


def generate_events(venue: Venue, total: int, n_visitors: int, batch: int = 100_000) -> None:
    """Visitors by bulk_create, then captures and events by INSERT ... SELECT generate_series (no signals)."""
    now = timezone.now()
    visitors = [
        Visitor(consent_emotion_analysis=True, consent_given_at=now, consent_version="bench") for _ in range(n_visitors)
    ]
    Visitor.objects.bulk_create(visitors, batch_size=5000)
    visitor_ids = [str(v.pk) for v in visitors]
    exhibit_ids = list(Exhibit.objects.filter(hall__venue=venue).values_list("pk", flat=True))
    randoms = ", ".join(f"power(random(), 2) AS r{k}" for k in range(len(FER_LABELS)))
    total_expr = " + ".join(f"r{k}" for k in range(len(FER_LABELS)))
    scores = ", ".join(f"'{label}', r{k} / s" for k, label in enumerate(FER_LABELS))
    array = ", ".join(f"r{k}" for k in range(len(FER_LABELS)))
    label_array = ", ".join(f"'{label}'" for label in FER_LABELS)
    sql = f"""
        WITH gen AS (
            SELECT gen_random_uuid() AS capture_id,
                   (%(visitors)s::uuid[])[1 + floor(random() * %(n_visitors)s)::int] AS visitor_id,
                   (%(exhibits)s::bigint[])[1 + floor(random() * %(n_exhibits)s)::int] AS exhibit_id,
                   now() - random() * interval '90 days' AS created_at, {randoms}
            FROM generate_series(1, %(count)s)
        ), scored AS (
            SELECT *, ({total_expr}) AS s, greatest({array}) AS top FROM gen
        ), captures AS (
            INSERT INTO {Capture._meta.db_table}
                (id, visitor_id, exhibit_id, status, error_code, image, attempts, created_at, updated_at, finished_at)
            SELECT capture_id, visitor_id, exhibit_id, 'done', '', '', 1, created_at, created_at, created_at FROM scored
        )
        INSERT INTO {EmotionEvent._meta.db_table}
            (capture_id, visitor_id, exhibit_id, label, confidence, scores, model_version, created_at)
        SELECT capture_id, visitor_id, exhibit_id,
               (ARRAY[{label_array}])[array_position(ARRAY[{array}], top)],
               top / s, jsonb_build_object({scores}), 'bench', created_at
        FROM scored
    """
    params = {
        "visitors": visitor_ids,
        "n_visitors": len(visitor_ids),
        "exhibits": exhibit_ids,
        "n_exhibits": len(exhibit_ids),
    }
    django_bench.insert_events_in_batches(sql, params, total, batch)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Capture._meta.db_table}; ANALYZE {EmotionEvent._meta.db_table}")


def bench_visitor(venue: Venue, own_events: int) -> tuple[Visitor, str]:
    """A visitor with a token and `own_events` events of their own (stored through the ORM: signals fire)."""
    visitor = Visitor.objects.create(
        consent_emotion_analysis=True,
        consent_given_at=timezone.now(),
        consent_version="bench",
        desired_emotions=["happy"],
    )
    key = VisitorToken.generate_key()
    VisitorToken.objects.create(digest=VisitorToken.hash_key(key), visitor=visitor)
    rng = random.Random(1)
    for exhibit in rng.sample(list(Exhibit.objects.filter(hall__venue=venue)), own_events):
        django_bench.add_event(
            visitor=visitor, exhibit=exhibit, labels=FER_LABELS, label=rng.choice(FER_LABELS), confidence=0.7
        )
    return visitor, key


def main(argv: list[str] | None = None) -> None:
    """Build the data if needed, then time recommendations and routes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--visitors", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--routes", type=int, default=100)
    parser.add_argument("--events-stored", type=int, default=100)
    args = parser.parse_args(argv)
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://..."
    call_command("migrate", verbosity=0)
    venue = Venue.objects.filter(slug=SLUG).first()
    if venue is None:
        print(f"generating a 200-exhibit venue and {args.events:,} events ...", flush=True)
        with transaction.atomic():
            venue = build_venue()
        generate_events(venue, args.events, args.visitors)
        started = time.perf_counter()
        profiles_publish()
        print(f"rebuild_emotion_profiles: {time.perf_counter() - started:.1f} s", flush=True)
    n_events = EmotionEvent.objects.filter(exhibit__hall__venue=venue).count()
    exhibit_ids = list(Exhibit.objects.filter(hall__venue=venue).values_list("pk", flat=True))
    try:
        labels = selectors.model_labels()
    except Exception as exc:  # no checkpoint in this checkout: the ranker only needs the label names
        print(f"(no emotion model available: {type(exc).__name__}; using the FER2013 label names)")
        selectors.model_labels = lambda: FER_LABELS
        labels = FER_LABELS
    visitor, key = bench_visitor(venue, own_events=20)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    rng = random.Random(2)

    def recommend() -> float:
        params: dict[str, str | int] = {
            "from_exhibit": rng.choice(exhibit_ids),
            "emotions": ",".join(rng.sample(labels, rng.randint(1, 2))),
            "limit": rng.choice([5, 10]),
        }
        started = time.perf_counter()
        response = client.get("/api/v1/recommendations/", params)
        elapsed = 1000 * (time.perf_counter() - started)
        assert response.status_code == 200, response.content
        return elapsed

    for _ in range(20):  # warm-up: walking matrix cache, connection, code paths
        recommend()
    print(f"\nvenue: {len(exhibit_ids)} exhibits, {n_events:,} events; visitor with 20 own events")
    modes: dict[str, Callable[[], None]] = {
        "nothing changed (cached inputs current)": lambda: None,
        "a snapshot published before each request": lambda: venue_profiles_changed(exhibit_ids=exhibit_ids[:1]),
        "cold process before each request": selectors.clear_venue_cache,
    }
    for name, before_each in modes.items():
        before_each()
        queries = django_bench.count_queries(recommend)
        times = []
        for _ in range(args.requests):
            before_each()
            times.append(recommend())
        report(f"GET /recommendations/ x{args.requests}, {name}", times, queries)

    route_stops: list[int] = []
    route_rng = random.Random(3)

    def route() -> float:
        body = {
            "start_exhibit": route_rng.choice(exhibit_ids),
            "time_budget_minutes": route_rng.choice([30, 60, 90, 120, 180]),
            "emotions": route_rng.sample(labels, route_rng.randint(1, 2)),
            "step_free": route_rng.random() < 0.5,
        }
        started = time.perf_counter()
        response = client.post("/api/v1/routes/", body, content_type="application/json")
        elapsed = 1000 * (time.perf_counter() - started)
        if response.status_code == 200:
            route_stops.append(len(response.json()["stops"]))
        else:  # a step-free start upstairs cannot reach anything by the lift within 30 minutes, etc.
            assert response.status_code == 400, response.content
        return elapsed

    queries = django_bench.count_queries(route)
    route_times = [route() for _ in range(args.routes)]
    report(
        f"POST /routes/ x{args.routes} (budgets 30-180 min, half step-free; mean {statistics.mean(route_stops):.1f} "
        "stops)",
        route_times,
        queries,
    )

    exhibits = list(Exhibit.objects.filter(hall__venue=venue).order_by("pk"))
    stored = iter(range(10**9))

    def store() -> float:
        return django_bench.store_one_event(
            visitor=visitor, exhibit=exhibits[next(stored) % len(exhibits)], labels=labels
        )

    queries = django_bench.count_queries(store)
    report(
        f"storing one event x{args.events_stored} (capture + event + signals)",
        [store() for _ in range(args.events_stored)],
        queries,
    )
    visitor.delete()


def report(name: str, times: list[float], queries: int) -> None:
    """One result line: p50/p95/p99 and max in ms, and the SQL statements per call."""
    print(
        f"{name}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
        f"p99 {percentile(times, 99):.1f} ms, max {max(times):.1f} ms; {queries} SQL queries",
        flush=True,
    )


if __name__ == "__main__":
    main()
