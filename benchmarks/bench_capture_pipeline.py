"""Selfie upload -> emotion event latency with N concurrent phones and one Celery worker, end to end.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE museum_guide_bench_pipeline"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/museum_guide_bench_pipeline \
    REDIS_URL=redis://127.0.0.1:6379/12 .venv/bin/python benchmarks/bench_capture_pipeline.py --phones 10

Starts the real processes (gunicorn serving the API, one `celery worker` on Redis, PostgreSQL), seeds
the demo venue, then each simulated phone creates a consenting visitor and uploads a portrait (scikit-image's
astronaut, a 512x512 JPEG) again and again, polling its capture until it is finished. Reports the
upload -> final-status latency (p50/p95/max), throughput, and how many captures were lost (uploaded
but never finished). The Redis db of REDIS_URL is flushed before and after. `--kill N` instead kills the
worker with SIGKILL while it reads a selfie, N times, starts a new one (beat running) and reports how long
until the capture is finished and how many events it got (target: within 60 s, exactly one).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import redis
import requests
from PIL import Image
from skimage import data as skimage_data

ROOT = Path(__file__).resolve().parent.parent
FINAL = {"done", "no_face", "failed"}
FIRST_EXHIBIT = "from exhibits.models import Exhibit; print(Exhibit.objects.on_display().first().pk)"


def portrait_jpeg() -> bytes:
    """The astronaut portrait as a phone would send it (JPEG, EXIF-free)."""
    buffer = io.BytesIO()
    Image.fromarray(skimage_data.astronaut()).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def phone_selfie_jpeg() -> bytes:
    """A 12 MP (4032x3024) selfie as a phone camera saves it: the astronaut's face about 900 px wide."""
    portrait = Image.fromarray(skimage_data.astronaut()).resize((3024, 3024), Image.Resampling.BICUBIC)
    photo = Image.new("RGB", (4032, 3024), (96, 110, 120))
    photo.paste(portrait, (504, 0))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def wait_http(url: str, timeout_s: float) -> None:
    """Wait until a URL answers 200."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still booting
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout_s} s")


class Phone(threading.Thread):
    """One visitor's phone: upload, poll until finished, repeat."""

    def __init__(self, base: str, exhibit_id: int, image: bytes, uploads: int, poll_s: float) -> None:
        super().__init__(daemon=True)
        self.base, self.exhibit_id, self.image = base, exhibit_id, image
        self.uploads, self.poll_s = uploads, poll_s
        self.latencies: list[float] = []
        self.statuses: Counter[str] = Counter()
        self.errors: list[str] = []

    def run(self) -> None:
        session = requests.Session()
        visitor = session.post(
            f"{self.base}/api/v1/visitors/",
            json={"consent_emotion_analysis": True, "language": "en", "desired_emotions": ["happy"]},
            timeout=30,
        ).json()
        session.headers["Authorization"] = f"Token {visitor['token']}"
        for _ in range(self.uploads):
            started = time.perf_counter()
            response = session.post(
                f"{self.base}/api/v1/captures/",
                data={"exhibit": str(self.exhibit_id)},
                files={"image": ("selfie.jpg", self.image, "image/jpeg")},
                timeout=30,
            )
            if response.status_code != 202:
                self.errors.append(f"upload {response.status_code}: {response.text[:200]}")
                continue
            capture_id = response.json()["id"]
            deadline = started + 120
            status = "pending"
            while time.perf_counter() < deadline:
                status = session.get(f"{self.base}/api/v1/captures/{capture_id}/", timeout=30).json()["status"]
                if status in FINAL:
                    break
                time.sleep(self.poll_s)
            self.statuses[status] += 1
            if status in FINAL:
                self.latencies.append(time.perf_counter() - started)


class Flooder(threading.Thread):
    """One visitor sending `count` selfies as fast as the API takes them, never waiting for a result."""

    def __init__(self, base: str, exhibit_id: int, image: bytes, count: int) -> None:
        super().__init__(daemon=True)
        self.base, self.exhibit_id, self.image, self.count = base, exhibit_id, image, count
        self.answers: Counter[int] = Counter()

    def run(self) -> None:
        session = requests.Session()
        visitor = session.post(f"{self.base}/api/v1/visitors/", json={"consent_emotion_analysis": True}, timeout=30)
        session.headers["Authorization"] = f"Token {visitor.json()['token']}"
        for _ in range(self.count):
            response = session.post(
                f"{self.base}/api/v1/captures/",
                data={"exhibit": str(self.exhibit_id)},
                files={"image": ("selfie.jpg", self.image, "image/jpeg")},
                timeout=30,
            )
            self.answers[response.status_code] += 1


def worker_process(env: dict[str, str], log: Path, name: str) -> subprocess.Popen[bytes]:
    """One solo Celery worker on both queues (selfies and the periodic jobs' maintenance queue)."""
    with log.open("ab") as handle:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "museum_guide", "worker", "--pool=solo",
             "--loglevel=WARNING", "--without-gossip", "--without-mingle", "-Q", "selfies,maintenance",
             "-n", f"{name}@localhost"],
            env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip


def kill_recovery(
    base: str,
    exhibit_id: int,
    image: bytes,
    rounds: int,
    processes: list[subprocess.Popen[bytes]],
    env: dict[str, str],
    logs: Path,
) -> int:
    """SIGKILL the worker mid-capture `rounds` times; print kill -> finished seconds and events per capture."""
    processes[1].kill()  # the benchmark's own worker: replaced by one that also runs the periodic jobs
    processes[1].wait()
    processes[1] = worker_process(env, logs / "worker.log", "recovery-0")
    with (logs / "beat.log").open("wb") as beat_log:
        processes.append(
            subprocess.Popen(
                [str(Path(sys.executable).parent / "celery"), "-A", "museum_guide", "beat", "--loglevel=WARNING",
                 "-s", str(logs / "beat-schedule")],
                env=env, cwd=ROOT, stdout=beat_log, stderr=subprocess.STDOUT,
            )
        )  # fmt: skip
    Phone(base, exhibit_id, image, 1, 0.05).run()  # warm-up: the model is loaded
    session = requests.Session()
    key = session.post(f"{base}/api/v1/visitors/", json={"consent_emotion_analysis": True}, timeout=10).json()["token"]
    session.headers["Authorization"] = f"Token {key}"
    rows = []
    for round_ in range(1, rounds + 1):
        capture = session.post(
            f"{base}/api/v1/captures/", data={"exhibit": exhibit_id}, files={"image": ("selfie.jpg", image)}, timeout=30
        ).json()["id"]
        url = f"{base}/api/v1/captures/{capture}/"
        while session.get(url, timeout=10).json()["status"] != "processing":
            time.sleep(0.002)
        processes[1].kill()  # SIGKILL: no clean shutdown, the task is mid-flight
        killed_at = time.perf_counter()
        processes[1].wait()
        processes[1] = worker_process(env, logs / "worker.log", f"recovery-{round_}")
        status = "processing"
        while status not in FINAL and time.perf_counter() - killed_at < 600:
            time.sleep(0.2)
            status = session.get(url, timeout=10).json()["status"]
        seconds = time.perf_counter() - killed_at
        events = sum(
            1
            for event in session.get(f"{base}/api/v1/visitors/me/export/", timeout=30).json()["emotion_events"]
            if event["capture"] == capture
        )
        rows.append((round_, status, seconds, events))
    print("\n| round | final status | SIGKILL -> finished, s | events of the capture |")
    print("|---|---|---|---|")
    for round_, status, seconds, events in rows:
        print(f"| {round_} | {status} | {seconds:.1f} | {events} |")
    return 0 if all(status == "done" and events == 1 and seconds <= 60 for _, status, seconds, events in rows) else 1


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    p = argparse.ArgumentParser(description="upload -> event latency, end to end")
    p.add_argument("--phones", type=int, default=10)
    p.add_argument("--uploads", type=int, default=10, help="uploads per phone")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--web-workers", type=int, default=2)
    p.add_argument("--poll", type=float, default=0.05, help="seconds between status polls")
    p.add_argument(
        "--flood", type=int, default=0,
        help="one more visitor sends this many selfies at once while the phones measure (fairness scenario)",
    )  # fmt: skip
    p.add_argument(
        "--photo", choices=("portrait", "phone"), default="portrait",
        help="portrait: the 512x512 astronaut JPEG; phone: a 12 MP selfie (4032x3024)",
    )  # fmt: skip
    p.add_argument(
        "--kill", type=int, default=0,
        help="instead: this many times, SIGKILL the worker while it reads a selfie, start a new one (with beat "
        "running) and time until the capture is finished; also counts its events (must be exactly one)",
    )  # fmt: skip
    args = p.parse_args(argv)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            raise SystemExit(f"set {name} (PostgreSQL database and Redis db for this benchmark)")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "PRIVATE_MEDIA_ROOT": "/tmp/museum_guide_bench_pipeline/private",
        "MEDIA_ROOT": "/tmp/museum_guide_bench_pipeline/media",
        "EMOTION_MODEL_NUM_THREADS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    if args.kill:
        # The recovery run polls one capture for up to a minute: well above a phone's request rate.
        env.update({"THROTTLE_VISITOR": "100000/minute", "THROTTLE_ANON": "100000/minute"})
    broker = redis.Redis.from_url(env["REDIS_URL"])
    broker.flushdb()
    bin_dir = Path(sys.executable).parent
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run([*manage, "seed_demo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    exhibit_id = int(
        subprocess.run(
            [*manage, "shell", "-c", FIRST_EXHIBIT],
            env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    logs = Path("/tmp/museum_guide_bench_pipeline")
    logs.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with (logs / "web.log").open("wb") as web_log, (logs / "worker.log").open("wb") as worker_log:
            processes.append(
                subprocess.Popen(
                    [str(bin_dir / "gunicorn"), "museum_guide.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
                     "--workers", str(args.web_workers), "--timeout", "60"],
                    env=env, cwd=ROOT, stdout=web_log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
            processes.append(
                subprocess.Popen(
                    [str(bin_dir / "celery"), "-A", "museum_guide", "worker", "--pool=solo", "--loglevel=WARNING",
                     "--without-gossip", "--without-mingle", "-n", "bench@localhost"],
                    env=env, cwd=ROOT, stdout=worker_log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
        base = f"http://127.0.0.1:{args.port}"
        wait_http(f"{base}/healthz", 60)
        image = phone_selfie_jpeg() if args.photo == "phone" else portrait_jpeg()
        if args.kill:
            return kill_recovery(base, exhibit_id, image, args.kill, processes, env, logs)
        # One warm-up capture so that the worker's one-time model load is not counted as latency.
        warm = Phone(base, exhibit_id, image, 1, args.poll)
        warm.run()
        phones = [Phone(base, exhibit_id, image, args.uploads, args.poll) for _ in range(args.phones)]
        flooder = Flooder(base, exhibit_id, image, args.flood) if args.flood else None
        started = time.perf_counter()
        load_before = os.getloadavg()[0]
        if flooder is not None:
            flooder.start()
            time.sleep(0.5)  # the flood is under way before the measured phones upload
        for phone in phones:
            phone.start()
        for phone in phones:
            phone.join()
        elapsed = time.perf_counter() - started
        if flooder is not None:
            flooder.join()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        broker.flushdb()
    latencies = sorted(x for phone in phones for x in phone.latencies)
    statuses: Counter[str] = sum((phone.statuses for phone in phones), Counter())
    errors = [e for phone in phones for e in phone.errors]
    uploaded = sum(statuses.values())
    lost = uploaded - sum(statuses[s] for s in FINAL)
    if len(latencies) < 2:
        raise SystemExit(f"too few finished captures to measure: {dict(statuses)}; errors: {errors[:3]}")
    p95 = statistics.quantiles(latencies, n=20, method="inclusive")[18]
    print(
        f"\n{args.phones} phones x {args.uploads} uploads of the {args.photo} photo ({len(image):,} bytes), "
        f"1 worker (solo), {args.web_workers} gunicorn workers;"
    )
    print(f"load average before {load_before:.2f}, {os.cpu_count()} CPUs; {elapsed:.1f} s wall\n")
    print("| uploads | final statuses | lost | p50 s | p95 s | max s | captures/s |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {uploaded} | {dict(statuses)} | {lost} | {statistics.median(latencies):.2f} | {p95:.2f} "
        f"| {latencies[-1]:.2f} | {len(latencies) / elapsed:.1f} |"
    )
    if flooder is not None:
        answers = ", ".join(f"{count} x {code}" for code, count in sorted(flooder.answers.items()))
        print(f"\nflood: one more visitor sent {args.flood} selfies at once; the API answered {answers}")
    if errors:
        print(f"\n{len(errors)} upload errors, first: {errors[0]}")
    return 0 if lost == 0 and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
