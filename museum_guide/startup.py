"""What a serving process does once, after Django has started and before the first request."""

import gc

from django.urls import get_resolver


def freeze_loaded_heap() -> None:
    """Load every view module now and keep the objects loaded so far out of the garbage collector's scans.

    A started web process holds a few hundred thousand long-lived objects (Django, DRF, numpy, onnxruntime and
    their modules). Python's full collections walk all of them: measured in `benchmarks/bench_reports.py`,
    one such pause took 200-300 ms on this project's 2-core machine, and it landed on 1 request in 10 as a
    p95 spike (docs/BENCHMARKS.md). `gc.freeze()` moves them to a permanent generation that collections
    skip; objects made by requests are collected as before.
    """
    get_resolver().url_patterns  # noqa: B018 (imports every URL module and, with them, the views)
    gc.freeze()
