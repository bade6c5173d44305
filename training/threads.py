"""Adapt torch's CPU thread count to a shared machine.

With 2 threads on 2 cores, one busy core from another process makes every parallel op wait at a barrier
for the descheduled thread: measured here, a training step went from 0.42 s to 4-18 s while two other
processes ran, and 1 thread took 0.72 s. The governor drops to fewer threads while others load the CPU.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import torch

logger = logging.getLogger(__name__)


def _busy_seconds() -> float | None:
    """CPU-busy seconds of the whole machine since boot (Linux /proc/stat), or None elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    values = [int(v) for v in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system


class ThreadGovernor:
    """Every `interval_s`, use `max_threads` if the other processes leave the cores idle, else fewer."""

    def __init__(self, max_threads: int, interval_s: float = 10.0, busy_threshold: float = 0.5) -> None:
        self.max_threads = max(1, max_threads)
        self.interval_s = interval_s
        self.busy_threshold = busy_threshold
        self._last = (time.monotonic(), _busy_seconds(), _own_seconds())
        self.threads = self.max_threads
        torch.set_num_threads(self.threads)

    def tick(self) -> None:
        """Cheap to call every step; re-decides at most once per interval."""
        now = time.monotonic()
        if now - self._last[0] < self.interval_s:
            return
        busy, own = _busy_seconds(), _own_seconds()
        then, busy_then, own_then = self._last
        self._last = (now, busy, own)
        if busy is None or busy_then is None:
            return
        others = max(0.0, (busy - busy_then) - (own - own_then)) / (now - then)
        wanted = self.max_threads if others < self.busy_threshold else max(1, self.max_threads - round(others))
        if wanted != self.threads:
            logger.debug("other processes use %.1f cores: %d -> %d threads", others, self.threads, wanted)
            torch.set_num_threads(wanted)
            self.threads = wanted
