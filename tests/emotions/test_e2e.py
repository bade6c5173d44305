"""End to end: the API, a real `celery -A museum_guide worker` process, Redis and PostgreSQL.

The worker runs in a subprocess against the pytest test database, with its own Redis db (the one in
REDIS_URL, flushed before and after). Nothing is mocked.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from rest_framework.test import APIClient

from emotions.models import Capture, CaptureStatus, EmotionEvent
from emotions.tasks import requeue_stuck_captures_task
from exhibits.models import Exhibit
from tests.celery_worker import Worker, worker_database_url
from tests.emotions import images
from tests.exhibits.factories import ExhibitFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(600),
]

FINAL = {CaptureStatus.DONE, CaptureStatus.NO_FACE, CaptureStatus.FAILED}


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    """The Redis db of REDIS_URL, empty before and after the test."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def worker(transactional_db: None, broker: redis.Redis, emotion_model_path: Path, tmp_path: Path) -> Iterator[Worker]:
    """A started worker; stopped (before the database is flushed) at the end of the test."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=worker_database_url(),
        REDIS_URL=settings.REDIS_URL,
        EMOTION_MODEL_PATH=str(emotion_model_path),
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        CAPTURE_STUCK_AFTER_SECONDS="1",
        CAPTURE_PROCESSING_STUCK_SECONDS="1",
        EMOTION_MODEL_NUM_THREADS="1",
        DJANGO_DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    process = Worker(env, tmp_path / "worker.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def exhibit() -> Exhibit:
    return ExhibitFactory.create()


@pytest.fixture
def phone() -> APIClient:
    """The visitor's app: a new visitor who agreed to emotion analysis."""
    client = APIClient()
    body = client.post("/api/v1/visitors/", {"consent_emotion_analysis": True}, format="json").json()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    return client


def upload(phone: APIClient, exhibit: Exhibit, data: bytes) -> str:
    response = phone.post("/api/v1/captures/", {"exhibit": exhibit.pk, "image": _file(data)}, format="multipart")
    assert response.status_code == 202, response.json()
    return str(response.json()["id"])


def _file(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("selfie.jpg", data, content_type="image/jpeg")


def wait_for(condition: Callable[[], Any], worker: Worker, timeout: float = 180, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s; worker log:\n{worker.log()}")


def test_a_portrait_and_a_faceless_photo_are_processed_by_a_real_worker(
    worker: Worker, phone: APIClient, exhibit: Exhibit, private_files: Callable[[], list[Path]]
) -> None:
    labels = APIClient().get("/api/v1/emotions/").json()["labels"]
    portrait = upload(phone, exhibit, images.portrait_jpeg())
    faceless = upload(phone, exhibit, images.faceless_jpeg())

    def result(capture_id: str) -> dict[str, Any] | None:
        body: dict[str, Any] = phone.get(f"/api/v1/captures/{capture_id}/").json()
        return body if body["status"] in FINAL else None

    done = wait_for(lambda: result(portrait), worker)
    no_face = wait_for(lambda: result(faceless), worker)

    assert done["status"] == "done", done
    assert done["emotion"] in labels
    assert set(done["scores"]) == set(labels)
    assert math.isclose(sum(done["scores"].values()), 1.0, abs_tol=1e-4)
    assert done["model_version"]
    assert no_face["status"] == "no_face" and no_face["emotion"] is None
    assert EmotionEvent.objects.count() == 1
    assert private_files() == []  # no selfie outlives its processing
    journey = phone.get("/api/v1/visitors/me/events/").json()
    assert [row["capture"] for row in journey["results"]] == [portrait]


def test_a_capture_whose_worker_is_killed_is_completed_once_after_restart_and_requeue(
    worker: Worker, phone: APIClient, exhibit: Exhibit, private_files: Callable[[], list[Path]]
) -> None:
    # A fresh worker loads the model lazily inside its first task, after marking the capture
    # `processing`: that gives a window of seconds to kill it mid-task.
    capture_id = upload(phone, exhibit, images.portrait_jpeg())
    wait_for(
        lambda: Capture.objects.filter(pk=capture_id, status=CaptureStatus.PROCESSING).exists(),
        worker,
        interval=0.01,
    )
    worker.kill()
    capture = Capture.objects.get(pk=capture_id)
    assert (capture.status, capture.attempts) == (CaptureStatus.PROCESSING, 1), "the worker finished before the kill"
    assert EmotionEvent.objects.count() == 0

    worker.start()
    time.sleep(1.5)  # let the capture become older than the worker's CAPTURE_PROCESSING_STUCK_SECONDS=1
    requeue_stuck_captures_task.delay()  # what beat does every 10 seconds

    wait_for(lambda: Capture.objects.get(pk=capture_id).status in FINAL, worker)
    capture = Capture.objects.get(pk=capture_id)
    assert (capture.status, capture.attempts) == (CaptureStatus.DONE, 2)
    assert EmotionEvent.objects.filter(capture_id=capture_id).count() == 1
    assert private_files() == []

    # The killed run's message may still be redelivered later: running the task again is a no-op.
    from emotions.tasks import classify_capture_task

    assert classify_capture_task.delay(capture_id).get(timeout=60) == "done"
    assert EmotionEvent.objects.filter(capture_id=capture_id).count() == 1
