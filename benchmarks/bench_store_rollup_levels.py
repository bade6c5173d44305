"""What each rollup level costs on the write path: storing one event with all levels vs without some, alternating.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/museum_guide_bench_reports \\
        .venv/bin/python benchmarks/bench_store_rollup_levels.py --without 9 10 11 --events 60

Runs on the database of bench_reports.py (build it there first). Both variants run in one process, one
event each in turn, so a machine shared with other jobs loads them alike; each variant has its own
visitor, erased at the end under the same level set its events were added with, so the rollups stay
exact. Prints wall and CPU milliseconds (this process plus its PostgreSQL backend) per variant.
"""

from __future__ import annotations

import argparse
import time

import django_bench

django_bench.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_bench import FER_LABELS, percentile  # noqa: E402

from emotions.models import Visitor  # noqa: E402
from exhibits.models import Exhibit  # noqa: E402
from reports import rollups  # noqa: E402


def backend_cpu_seconds() -> float:
    """CPU time of this connection's PostgreSQL backend (Linux, server on this machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with open(f"/proc/{pid}/schedstat") as stat:
        return int(stat.read().split()[0]) / 1e9


def main(argv: list[str] | None = None) -> None:
    """Store events alternately with all rollup levels and without the given ones; print both timings."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--without", type=int, nargs="+", required=True, help="rollup levels the B variant skips")
    parser.add_argument("--events", type=int, default=60, help="events per variant")
    args = parser.parse_args(argv)
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://..."
    exhibit = Exhibit.objects.filter(slug__startswith="bench-").earliest("pk")
    every = rollups.LEVELS_BY_SIZE
    variants = {
        "all levels": every,
        f"without {', '.join(map(str, args.without))}": tuple(level for level in every if level not in args.without),
    }
    visitors = {
        name: Visitor.objects.create(
            consent_emotion_analysis=True, consent_given_at=timezone.now(), consent_version="b"
        )
        for name in variants
    }
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    try:
        for index in range(args.events + 1):
            order = list(variants) if index % 2 == 0 else list(reversed(variants))
            for name in order:
                rollups.LEVELS_BY_SIZE = variants[name]  # read by rollups._buckets on every write
                backend, own = backend_cpu_seconds(), time.process_time()
                took = django_bench.store_one_event(visitor=visitors[name], exhibit=exhibit, labels=FER_LABELS)
                if index:  # the first round warms up
                    wall[name].append(took)
                    cpu[name].append((time.process_time() - own + backend_cpu_seconds() - backend) * 1000)
    finally:
        for name, visitor in visitors.items():
            rollups.LEVELS_BY_SIZE = variants[name]
            visitor.delete()
        rollups.LEVELS_BY_SIZE = every
    for name in variants:
        print(
            f"{name} ({len(variants[name])} levels): wall p50 {percentile(wall[name], 50):.1f} ms, "
            f"p95 {percentile(wall[name], 95):.1f} ms; CPU p50 {percentile(cpu[name], 50):.1f} ms, "
            f"p95 {percentile(cpu[name], 95):.1f} ms"
        )


if __name__ == "__main__":
    main()
