"""A real Celery worker subprocess for end-to-end tests (used by tests/emotions and tests/visit)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from museum_guide.celery import app as celery_app


def worker_database_url() -> str:
    """URL of the database this test runs in (pytest's test_<name>), for the worker process."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One real Celery worker subprocess (solo pool: the task runs in the process we can SIGKILL)."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.name = ""

    def start(self) -> None:
        self.name = f"e2e-{uuid.uuid4().hex[:8]}@localhost"
        celery = Path(sys.executable).with_name("celery")
        command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
        command += ["-A", "museum_guide", "worker", "--pool=solo", "--loglevel=INFO", "-n", self.name]
        command += ["-Q", "selfies,maintenance"]  # one worker for both queues, as `make worker` runs
        command += ["--without-gossip", "--without-mingle"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"worker exited early:\n{self.log()}"
            if celery_app.control.ping(destination=[self.name], timeout=1.0):
                return
        raise AssertionError(f"worker did not answer a ping within 120 s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no ack, like an OOM kill or a lost machine."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""
