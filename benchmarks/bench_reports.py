"""Latency of GET /api/v1/reports/emotions/ (every group_by) and /top-exhibits/ on PostgreSQL, 1M events.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE museum_guide_bench_reports"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/museum_guide_bench_reports \\
        .venv/bin/python benchmarks/bench_reports.py --events 1000000

Builds once (reused while the venues exist; drop and create the database for a fresh one) two venues
in different time zones (Asia/Tokyo: 6 halls x 20 exhibits; Europe/Moscow: 4 halls x 20 exhibits),
100 000 visitors and N captures + emotion events over 180 days, all generated in bulk by SQL
(generate_series; no signals), then builds the report rows with `report_events_rebuild` (one
INSERT ... SELECT converting each event to its venue's local time) and VACUUM ANALYZE (what
autovacuum does in production; index-only scans need the visibility map). Requests go through the
full Django stack (middleware, DRF token auth, validation, serializers) in process with DEBUG off,
one at a time, as an analyst.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import django_bench

django_bench.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_bench import FER_LABELS, percentile  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from emotions import classifier  # noqa: E402
from emotions.models import Capture, EmotionEvent, Visitor  # noqa: E402
from exhibits.models import Exhibit, Hall, Venue  # noqa: E402
from museum_guide.startup import freeze_loaded_heap  # noqa: E402
from reports.models import ReportEvent, ReportRollup, ReportVisitorNumber  # noqa: E402
from reports.permissions import ANALYSTS_GROUP  # noqa: E402
from reports.services import report_events_rebuild  # noqa: E402

VENUES = (("bench-tokyo", "Asia/Tokyo", 6), ("bench-moscow", "Europe/Moscow", 4))


def build_venues() -> list[Venue]:
    """Two venues, 10 halls of 20 exhibits in all."""
    venues = []
    for slug, zone, n_halls in VENUES:
        venue = Venue.objects.create(name=slug, slug=slug, city=zone.split("/")[1], time_zone=zone)
        for h in range(n_halls):
            hall = Hall.objects.create(venue=venue, name=f"Hall {h}", slug=f"{slug}-hall-{h}")
            Exhibit.objects.bulk_create(
                Exhibit(hall=hall, title=f"{slug} exhibit {h}-{k}", slug=f"{slug}-exhibit-{h}-{k}") for k in range(20)
            )
        venues.append(venue)
    return venues


def generate_events(total: int, n_visitors: int, batch: int = 200_000) -> None:
    """Visitors, captures and events by INSERT ... SELECT generate_series (no signals, no ORM)."""
    exhibit_ids = list(Exhibit.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    labels = ", ".join(f"'{label}'" for label in FER_LABELS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Visitor._meta.db_table} (id, language, desired_emotions, consent_emotion_analysis,
                    consent_given_at, consent_version, created_at, updated_at)
                SELECT gen_random_uuid(), 'en', '[]'::jsonb, true, now(), 'bench', now(), now()
                FROM generate_series(1, %s)""",
            [n_visitors],
        )
        cursor.execute(
            f"CREATE TEMP TABLE bench_visitors AS SELECT row_number() OVER () AS n, id FROM {Visitor._meta.db_table}"
        )
    # Events between 08:00 and 20:00 UTC over 180 days: late-evening UTC events fall on the next
    # local day in Tokyo, so the day boundary matters in the data as it does in the tests.
    sql = f"""
        WITH gen AS (
            SELECT gen_random_uuid() AS capture_id,
                   1 + floor(random() * %(n_visitors)s)::int AS visitor_n,
                   (%(exhibits)s::bigint[])[1 + floor(random() * %(n_exhibits)s)::int] AS exhibit_id,
                   timestamptz '2025-01-01 00:00+00' + floor(random() * 180) * interval '1 day'
                       + (random() * 24) * interval '1 hour' AS created_at,
                   (ARRAY[{labels}])[1 + floor(power(random(), 1.5) * {len(FER_LABELS)})::int] AS label,
                   0.3 + random() * 0.7 AS confidence
            FROM generate_series(1, %(count)s)
        ), scored AS (
            SELECT gen.*, v.id AS visitor_id FROM gen JOIN bench_visitors v ON v.n = gen.visitor_n
        ), captures AS (
            INSERT INTO {Capture._meta.db_table}
                (id, visitor_id, exhibit_id, status, error_code, image, attempts, created_at, updated_at, finished_at)
            SELECT capture_id, visitor_id, exhibit_id, 'done', '', '', 1, created_at, created_at, created_at
            FROM scored
        )
        INSERT INTO {EmotionEvent._meta.db_table}
            (capture_id, visitor_id, exhibit_id, label, confidence, scores, model_version, created_at)
        SELECT capture_id, visitor_id, exhibit_id, label, confidence,
               jsonb_build_object(label, confidence), 'bench', created_at
        FROM scored
    """
    django_bench.insert_events_in_batches(
        sql, {"n_visitors": n_visitors, "exhibits": exhibit_ids, "n_exhibits": len(exhibit_ids)}, total, batch
    )


def vacuum_analyze() -> None:
    """What autovacuum does after a bulk load: statistics and the visibility map."""
    with connection.cursor() as cursor:
        for model in (Visitor, Capture, EmotionEvent, ReportEvent, ReportRollup, ReportVisitorNumber):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def backend_cpu_seconds() -> float:
    """CPU time the PostgreSQL backend of this connection has used (Linux, server on this machine), else 0.

    With the CPUs shared, wall-clock latency mostly measures the queue for a core; the CPU time a request
    costs (ours plus the backend's) is what it would take on an idle machine.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e9
    except OSError:
        return 0.0


def time_requests(
    client: Client, url: str, params: dict[str, str], repeat: int
) -> tuple[list[float], list[float], int, int]:
    """Wall and CPU milliseconds of `repeat` requests (after one warm-up), groups returned, SQL statements each."""
    csv = params.get("format") == "csv"

    def fetch() -> Any:
        response = client.get(url, params)
        assert response.status_code == 200, response.content[:300] if not csv else response.status_code
        return b"".join(response.streaming_content) if csv else response.json()  # type: ignore[attr-defined]

    body = fetch()
    queries = django_bench.count_queries(fetch)
    groups = body.count(b"\n") - 1 if csv else len(body.get("groups", body.get("exhibits", [])))
    times, cpu = [], []
    for _ in range(repeat):
        backend, own = backend_cpu_seconds(), time.process_time()
        started = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - own + backend_cpu_seconds() - backend) * 1000)
    return times, cpu, groups, queries


def main(argv: list[str] | None = None) -> None:
    """Build the data if needed, then time every report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--visitors", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--generate-only", action="store_true", help="build the data (if needed) and stop")
    parser.add_argument(
        "--only", nargs="+", metavar="TEXT", help="time only the requests whose name contains one of these texts"
    )
    args = parser.parse_args(argv)
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://..."
    call_command("migrate", verbosity=0)
    if not Venue.objects.filter(slug=VENUES[0][0]).exists():
        print(
            f"generating 2 venues, 200 exhibits, {args.visitors:,} visitors and {args.events:,} events ...", flush=True
        )
        with transaction.atomic():
            build_venues()
        generate_events(args.events, args.visitors)
        started = time.perf_counter()
        written = report_events_rebuild()
        print(f"report_events_rebuild: {written:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        vacuum_analyze()
        print(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)
    n_events, n_rows = EmotionEvent.objects.count(), ReportEvent.objects.count()
    assert n_events == n_rows, f"{n_events} events but {n_rows} report rows"
    if args.generate_only:
        return
    try:
        classifier.active_labels()
    except Exception as exc:  # no checkpoint in this checkout: reports only need the label names
        print(f"(no emotion model available: {type(exc).__name__}; using the FER2013 label names)")
        classifier.active_labels = lambda: FER_LABELS

    user, _ = User.objects.get_or_create(username="bench-analyst")
    user.groups.add(Group.objects.get(name=ANALYSTS_GROUP))
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    tokyo = Venue.objects.get(slug=VENUES[0][0])
    hall = Hall.objects.filter(venue=tokyo).order_by("pk").first()
    assert hall is not None
    exhibit = Exhibit.objects.filter(hall=hall).earliest("pk")
    emotions, top = "/api/v1/reports/emotions/", "/api/v1/reports/top-exhibits/"
    month, half_year = (
        {"date_from": "2025-03-01", "date_to": "2025-03-30"},
        {"date_from": "2025-01-01", "date_to": "2025-06-30"},
    )
    # 30 days with the fewest whole weeks: Wednesday 5 March - Thursday 3 April (3 weeks and 9 edge days;
    # `month` above is Saturday 1 - Sunday 30 March: 4 weeks and 2 edge days).
    month_edges = {"date_from": "2025-03-05", "date_to": "2025-04-03"}
    cases: list[tuple[str, str, dict[str, str]]] = [
        *((f"group_by={g}", emotions, {"group_by": g}) for g in ("exhibit", "hall", "venue", "day", "hour", "weekday")),
        (
            "group_by=hour, venue, 30 days",
            emotions,
            {"group_by": "hour", "venue": str(tokyo.pk), **month},
        ),
        ("group_by=hour, venue, 180 days", emotions, {"group_by": "hour", "venue": str(tokyo.pk), **half_year}),
        # Hours of one hall or one exhibit within a date range (issue 17: the shapes the first levels left out).
        ("group_by=hour, hall, 30 days", emotions, {"group_by": "hour", "hall": str(hall.pk), **month}),
        ("group_by=hour, hall, 180 days", emotions, {"group_by": "hour", "hall": str(hall.pk), **half_year}),
        ("group_by=hour, exhibit, 30 days", emotions, {"group_by": "hour", "exhibit": str(exhibit.pk), **month}),
        ("group_by=hour, exhibit, 180 days", emotions, {"group_by": "hour", "exhibit": str(exhibit.pk), **half_year}),
        ("group_by=day, hall, emotion=happy", emotions, {"group_by": "day", "hall": str(hall.pk), "emotion": "happy"}),
        ("group_by=exhibit, format=csv", emotions, {"group_by": "exhibit", "format": "csv"}),
        ("top-exhibits emotion=happy", top, {"emotion": "happy", "limit": "10"}),
        # Exhibits within a date range read one exhibit x date bucket per exhibit, day and label.
        ("group_by=exhibit, 30 days", emotions, {"group_by": "exhibit", **month}),
        ("top-exhibits emotion=happy, 30 days", top, {"emotion": "happy", "limit": "10", **month}),
        ("group_by=exhibit, 30 days Wed-Thu", emotions, {"group_by": "exhibit", **month_edges}),
        ("group_by=exhibit, 180 days", emotions, {"group_by": "exhibit", **half_year}),
        (
            "group_by=exhibit, format=csv, 30 days Wed-Thu",
            emotions,
            {"group_by": "exhibit", "format": "csv", **month_edges},
        ),
        ("top-exhibits emotion=happy, 180 days", top, {"emotion": "happy", "limit": "10", **half_year}),
        ("group_by=exhibit, from a date on", emotions, {"group_by": "exhibit", "date_from": month_edges["date_from"]}),
        # Other groupings within dates (which of them a week level pays for).
        *(
            (f"group_by={g}, 30 days Wed-Thu", emotions, {"group_by": g, **month_edges})
            for g in ("hall", "venue", "weekday")
        ),
        *(
            (f"group_by={g}, 180 days", emotions, {"group_by": g, **half_year})
            for g in ("hall", "venue", "day", "weekday")
        ),
    ]
    if args.only:
        cases = [case for case in cases if any(text in case[0] for text in args.only)]
    print(
        f"\n{n_events:,} events, {Visitor.objects.count():,} visitors; {args.repeat} requests each; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n"
    )
    print(
        "| request | groups | p50 ms | p95 ms | p99 ms | CPU p50 ms | CPU p95 ms | SQL queries |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    # As museum_guide/wsgi.py does in a serving process: what is loaded by now stays out of full collections.
    client.get(emotions, {"group_by": "venue"})  # the first request imports what a request needs
    freeze_loaded_heap()
    for name, url, params in cases:
        times, cpu, groups, queries = time_requests(client, url, params, args.repeat)
        print(
            f"| {name} | {groups} | {percentile(times, 50):.0f} | {percentile(times, 95):.0f} "
            f"| {percentile(times, 99):.0f} | {percentile(cpu, 50):.0f} | {percentile(cpu, 95):.0f} | {queries} |",
            flush=True,
        )

    # What the projection costs on the write path: one event stored through the ORM (signals fire).
    visitor = Visitor.objects.create(
        consent_emotion_analysis=True, consent_given_at=timezone.now(), consent_version="b"
    )
    labels = classifier.active_labels()
    queries = django_bench.count_queries(
        lambda: django_bench.store_one_event(visitor=visitor, exhibit=exhibit, labels=labels)
    )
    times, cpu = [], []
    for _ in range(args.repeat):
        backend, own = backend_cpu_seconds(), time.process_time()
        times.append(django_bench.store_one_event(visitor=visitor, exhibit=exhibit, labels=labels))
        cpu.append((time.process_time() - own + backend_cpu_seconds() - backend) * 1000)
    print(
        f"\nstoring one event (capture + event + signals, incl. the report row and rollups): "
        f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
        f"p99 {percentile(times, 99):.1f} ms; CPU p50 {percentile(cpu, 50):.1f} ms, p95 {percentile(cpu, 95):.1f} ms; "
        f"{queries} SQL queries"
    )
    visitor.delete()


if __name__ == "__main__":
    main()
