"""Django set-up shared by the benchmark scripts: production-like settings (DEBUG off) on any DATABASE_URL."""

import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import django

# The label set of FER2013 models, for benchmarks that run without a checkpoint.
FER_LABELS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")


def setup() -> None:
    """Make the project importable, fill in benchmark-only settings the environment lacks, start Django."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_guide.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnop")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    django.setup()


def insert_events_in_batches(sql: str, params: Mapping[str, Any], total: int, batch: int) -> None:
    """Run an event-generating INSERT (which reads %(count)s) in committed batches, printing progress."""
    from django.db import connection, transaction

    done = 0
    while done < total:
        count = min(batch, total - done)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "count": count})
        done += count
        print(f"  {done:>9,} events ({time.perf_counter() - started:.1f} s for this batch)", flush=True)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def add_event(*, visitor: Any, exhibit: Any, labels: Sequence[str], label: str, confidence: float) -> None:
    """One capture and its emotion event, as the worker stores them (signals fire): `label` gets `confidence`,
    the other labels share the rest."""
    from emotions.models import Capture, CaptureStatus, EmotionEvent

    others = (1.0 - confidence) / max(1, len(labels) - 1)
    capture = Capture.objects.create(visitor=visitor, exhibit=exhibit, status=CaptureStatus.DONE)
    EmotionEvent.objects.create(
        capture=capture,
        visitor=visitor,
        exhibit=exhibit,
        label=label,
        confidence=confidence,
        scores={name: (confidence if name == label else others) for name in labels},
        model_version="bench",
    )


def store_one_event(*, visitor: Any, exhibit: Any, labels: Sequence[str], label: str = "happy") -> float:
    """Milliseconds to store one event the way the worker does: capture + event in one transaction, signals firing.

    The one write-path timing of the benchmarks (reports, recommendations): every receiver on the
    event (report projection and rollups, profile snapshot check) runs inside it.
    """
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        add_event(visitor=visitor, exhibit=exhibit, labels=labels, label=label, confidence=0.9)
    return (time.perf_counter() - started) * 1000


def count_queries(call: Callable[[], object]) -> int:
    """SQL statements one call executes."""
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        call()
    return len(executed)
