"""The classification service and task: outcomes, idempotency, races, retries, stuck captures, purge."""

from __future__ import annotations

import io
import math
import os
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from emotions import services
from emotions.classifier import get_face_detector
from emotions.models import Capture, CaptureStatus, EmotionEvent
from emotions.storage import private_storage
from emotions.tasks import classify_capture_task, purge_capture_images_task, requeue_stuck_captures_task
from tests.emotions import images
from tests.emotions.factories import CaptureFactory, EmotionEventFactory, VisitorFactory
from tests.exhibits.factories import ExhibitFactory

pytestmark = pytest.mark.django_db


def capture_with(data: bytes, **fields: Any) -> Capture:
    """A capture whose photo is in private storage, as after an upload."""
    name = private_storage.save("captures/upload.jpg", ContentFile(data))
    return CaptureFactory.create(image=name, **fields)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Records classification messages instead of sending them to a broker."""
    messages: list[tuple[Any, ...]] = []
    monkeypatch.setattr(classify_capture_task, "delay", lambda *args, **kwargs: messages.append(args))
    return messages


def test_a_portrait_becomes_one_event_with_a_full_score_vector_and_the_photo_is_deleted(
    labels: tuple[str, ...], private_files: Callable[[], list[Path]], run_on_commit: Callable[..., Any]
) -> None:
    capture = capture_with(images.portrait_jpeg())

    run_on_commit(services.capture_classify, capture_id=capture.pk)

    capture.refresh_from_db()
    event = EmotionEvent.objects.get()
    assert (capture.status, capture.attempts, capture.error_code) == (CaptureStatus.DONE, 1, "")
    assert event.capture == capture and event.exhibit == capture.exhibit and event.visitor == capture.visitor
    assert event.label in labels
    assert set(event.scores) == set(labels)
    assert math.isclose(sum(event.scores.values()), 1.0, abs_tol=1e-4)
    assert event.confidence == pytest.approx(max(event.scores.values()))
    assert event.model_version
    assert capture.image.name == "" and private_files() == []


def test_a_photo_without_a_face_ends_as_no_face_and_is_deleted(
    private_files: Callable[[], list[Path]], run_on_commit: Callable[..., Any]
) -> None:
    capture = capture_with(images.faceless_jpeg())

    run_on_commit(services.capture_classify, capture_id=capture.pk)

    capture.refresh_from_db()
    assert capture.status == CaptureStatus.NO_FACE
    assert EmotionEvent.objects.count() == 0
    assert private_files() == []


def _classified_upload(data: bytes, run_on_commit: Callable[..., Any]) -> Capture:
    """Upload `data` through the upload service (EXIF applied there), classify it, return the capture."""
    visitor, exhibit = VisitorFactory.create(), ExhibitFactory.create()
    capture = run_on_commit(services.capture_create, visitor=visitor, exhibit=exhibit.pk, image_data=data)
    run_on_commit(services.capture_classify, capture_id=capture.pk)
    capture.refresh_from_db()
    return capture


@pytest.mark.parametrize(
    "photo",
    [
        pytest.param({"face_px": 150}, id="a-150-px-face-in-a-12-megapixel-photo"),
        pytest.param({"face_px": 800, "size": (3024, 4032), "orientation": 6}, id="stored-sideways-with-exif"),
        pytest.param({"face_px": 300, "size": (1920, 1080), "wall": "brick"}, id="on-a-brick-wall"),
    ],
)
def test_a_smiling_face_in_a_phone_photo_is_found_and_read(
    photo: dict[str, Any], labels: tuple[str, ...], run_on_commit: Callable[..., Any]
) -> None:
    capture = _classified_upload(images.phone_photo_jpeg(**photo), run_on_commit)

    assert capture.status == CaptureStatus.DONE
    if "happy" in labels:  # the shipped model; a stand-in checkpoint has no trained reading
        assert EmotionEvent.objects.get(capture=capture).label == "happy"


@pytest.mark.parametrize("size", [(1, 1), (8, 8), (2000, 20)])
def test_a_tiny_or_sliver_photo_ends_as_no_face_without_an_error(
    size: tuple[int, int], run_on_commit: Callable[..., Any]
) -> None:
    capture = _classified_upload(images.small_jpeg(*size), run_on_commit)

    assert (capture.status, capture.error_code) == (CaptureStatus.NO_FACE, "")


def test_the_phones_face_box_is_used_instead_of_detection(run_on_commit: Callable[..., Any]) -> None:
    capture = capture_with(images.faceless_jpeg(), face_box={"x": 100, "y": 60, "w": 80, "h": 90})

    run_on_commit(services.capture_classify, capture_id=capture.pk)

    capture.refresh_from_db()
    assert capture.status == CaptureStatus.DONE
    assert EmotionEvent.objects.filter(capture=capture).count() == 1


def test_classifying_a_finished_capture_again_changes_nothing(run_on_commit: Callable[..., Any]) -> None:
    capture = capture_with(images.portrait_jpeg())
    run_on_commit(services.capture_classify, capture_id=capture.pk)
    capture.refresh_from_db()
    before = (capture.status, capture.attempts, capture.updated_at, list(EmotionEvent.objects.values()))

    run_on_commit(classify_capture_task, capture_id=str(capture.pk))

    capture.refresh_from_db()
    assert (capture.status, capture.attempts, capture.updated_at, list(EmotionEvent.objects.values())) == before


def test_a_missing_photo_fails_the_capture_for_good(run_on_commit: Callable[..., Any]) -> None:
    capture = CaptureFactory.create(image="captures/gone.jpg")

    run_on_commit(services.capture_classify, capture_id=capture.pk)

    capture.refresh_from_db()
    assert (capture.status, capture.error_code) == (CaptureStatus.FAILED, "image_missing")
    assert capture.finished_at is not None


def test_an_event_stored_by_a_racing_run_is_kept_and_the_capture_completes(
    run_on_commit: Callable[..., Any], private_files: Callable[[], list[Path]]
) -> None:
    capture = capture_with(images.portrait_jpeg(), status=CaptureStatus.PROCESSING, attempts=1)
    theirs = EmotionEventFactory.create(capture=capture, visitor=capture.visitor, exhibit=capture.exhibit)

    run_on_commit(services.capture_classify, capture_id=capture.pk)

    capture.refresh_from_db()
    assert capture.status == CaptureStatus.DONE
    assert list(EmotionEvent.objects.filter(capture=capture)) == [theirs]
    assert private_files() == []


def test_a_capture_out_of_attempts_fails_instead_of_running_again(
    run_on_commit: Callable[..., Any], settings: Any
) -> None:
    settings.CAPTURE_MAX_ATTEMPTS = 2
    capture = capture_with(images.portrait_jpeg(), status=CaptureStatus.PROCESSING, attempts=2)

    run_on_commit(services.capture_classify, capture_id=capture.pk)

    capture.refresh_from_db()
    assert (capture.status, capture.error_code) == (CaptureStatus.FAILED, "too_many_attempts")
    assert EmotionEvent.objects.count() == 0


def test_a_missing_model_is_a_transient_error_that_leaves_the_capture_processing(
    settings: Any, tmp_path: Path, private_files: Callable[[], list[Path]]
) -> None:
    settings.EMOTION_MODEL_PATH = tmp_path / "not-deployed-yet.pt"
    capture = capture_with(images.portrait_jpeg())

    with pytest.raises(services.TransientCaptureError):
        services.capture_classify(capture_id=capture.pk)

    capture.refresh_from_db()
    assert (capture.status, capture.attempts) == (CaptureStatus.PROCESSING, 1)
    assert len(private_files()) == 1  # kept for the retry


def test_the_task_retries_transient_errors_with_backoff(settings: Any, tmp_path: Path) -> None:
    settings.EMOTION_MODEL_PATH = tmp_path / "not-deployed-yet.pt"
    capture = capture_with(images.portrait_jpeg())

    result = classify_capture_task.apply(args=[str(capture.pk)])

    # Eager retries run in place: 1 call + max_retries retries, then the error surfaces.
    assert isinstance(result.result, services.TransientCaptureError)
    capture.refresh_from_db()
    assert capture.attempts == 1 + classify_capture_task.max_retries
    assert classify_capture_task.acks_late and classify_capture_task.soft_time_limit < classify_capture_task.time_limit


def test_stuck_captures_are_requeued_and_fail_after_max_attempts(
    settings: Any, run_on_commit: Callable[..., Any], sent: list[tuple[Any, ...]]
) -> None:
    settings.CAPTURE_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(seconds=settings.CAPTURE_STUCK_AFTER_SECONDS + 5)
    pending = capture_with(images.portrait_jpeg())
    crashed = capture_with(images.portrait_jpeg(), status=CaptureStatus.PROCESSING, attempts=1)
    hopeless = capture_with(images.portrait_jpeg(), status=CaptureStatus.PROCESSING, attempts=3)
    fresh = capture_with(images.portrait_jpeg())
    done = EmotionEventFactory.create().capture
    Capture.objects.exclude(pk=fresh.pk).update(updated_at=long_ago)

    report = run_on_commit(services.captures_requeue_stuck)

    assert set(report.requeued) == {pending.pk, crashed.pk}
    assert report.failed == [hopeless.pk]
    assert sorted(sent) == sorted([(str(pending.pk),), (str(crashed.pk),)])
    hopeless.refresh_from_db()
    assert (hopeless.status, hopeless.error_code) == (CaptureStatus.FAILED, "too_many_attempts")
    done.refresh_from_db()
    assert done.status == CaptureStatus.DONE
    # Requeued captures restart the clock: an immediate second sweep leaves them alone.
    assert services.captures_requeue_stuck().requeued == []


def test_a_capture_whose_worker_died_is_rescued_within_seconds_but_a_waiting_one_is_left_in_its_queue(
    settings: Any, run_on_commit: Callable[..., Any], sent: list[tuple[Any, ...]]
) -> None:
    settings.CAPTURE_PROCESSING_STUCK_SECONDS = 30
    settings.CAPTURE_STUCK_AFTER_SECONDS = 300
    forty_seconds_ago = timezone.now() - timedelta(seconds=40)
    orphaned = capture_with(images.portrait_jpeg(), status=CaptureStatus.PROCESSING, attempts=1)
    waiting = capture_with(images.portrait_jpeg())  # pending: queued behind others, not lost
    working = capture_with(images.portrait_jpeg(), status=CaptureStatus.PROCESSING, attempts=1)
    Capture.objects.exclude(pk=working.pk).update(updated_at=forty_seconds_ago)

    report = run_on_commit(services.captures_requeue_stuck)

    assert report.requeued == [orphaned.pk]
    assert sent == [(str(orphaned.pk),)]
    assert waiting.pk not in report.requeued and working.pk not in report.requeued


def test_the_requeue_job_lets_a_crashed_capture_complete(
    run_on_commit: Callable[..., Any], sent: list[tuple[Any, ...]]
) -> None:
    crashed = capture_with(images.portrait_jpeg(), status=CaptureStatus.PROCESSING, attempts=1)
    Capture.objects.update(updated_at=timezone.now() - timedelta(hours=1))

    assert run_on_commit(requeue_stuck_captures_task) == {"requeued": 1, "failed": 0}
    ((capture_id,),) = sent
    run_on_commit(classify_capture_task, capture_id=capture_id)  # what a worker does with the message

    crashed.refresh_from_db()
    assert (crashed.status, crashed.attempts) == (CaptureStatus.DONE, 2)
    assert EmotionEvent.objects.filter(capture=crashed).count() == 1


def test_with_retention_the_photo_is_kept_until_the_purge_job(
    settings: Any, run_on_commit: Callable[..., Any], private_files: Callable[[], list[Path]]
) -> None:
    settings.CAPTURE_RETENTION_SECONDS = 60
    capture = capture_with(images.faceless_jpeg())
    run_on_commit(services.capture_classify, capture_id=capture.pk)
    assert len(private_files()) == 1

    assert run_on_commit(purge_capture_images_task) == 0  # not yet expired
    Capture.objects.update(finished_at=timezone.now() - timedelta(seconds=61))
    assert run_on_commit(purge_capture_images_task) == 1

    capture.refresh_from_db()
    assert capture.image.name == "" and private_files() == []


def test_orphaned_files_are_purged_after_a_grace_period(
    run_on_commit: Callable[..., Any], private_files: Callable[[], list[Path]]
) -> None:
    kept = capture_with(images.small_jpeg())
    orphan = private_storage.save("captures/orphan.jpg", ContentFile(images.small_jpeg()))
    assert run_on_commit(services.capture_images_purge) == 0  # too young: may be an upload in flight

    an_hour_ago = time.time() - 2 * 3600
    os.utime(private_storage.path(orphan), (an_hour_ago, an_hour_ago))
    os.utime(private_storage.path(kept.image.name), (an_hour_ago, an_hour_ago))

    assert run_on_commit(services.capture_images_purge) == 1
    assert [path.name for path in private_files()] == [Path(kept.image.name).name]


def test_a_12_megapixel_photo_is_read_from_a_half_size_decode_and_its_face_box_scaled(
    run_on_commit: Callable[..., Any],
) -> None:
    from emotions.images import READ_MIN_LONG_SIDE, stored_image_rgb

    photo = images.phone_photo_jpeg(face_px=300)
    with io.BytesIO(photo) as handle:
        rgb, scale = stored_image_rgb(handle)
    assert (rgb.shape[1], rgb.shape[0], scale) == (2016, 1512, 0.5)
    assert max(rgb.shape[:2]) >= READ_MIN_LONG_SIDE
    # The phone's own detector found the face: its box is in full-resolution pixels.
    full = np.asarray(Image.open(io.BytesIO(photo)).convert("RGB"))
    face = get_face_detector().detect(full)[0].box
    boxed = capture_with(photo, face_box={"x": face.x, "y": face.y, "w": face.w, "h": face.h})
    detected = capture_with(photo)

    run_on_commit(services.capture_classify, capture_id=boxed.pk)
    run_on_commit(services.capture_classify, capture_id=detected.pk)

    boxed_event, detected_event = (EmotionEvent.objects.get(capture_id=c.pk) for c in (boxed, detected))
    assert boxed_event.label == detected_event.label


def test_small_photos_and_pngs_are_decoded_at_full_size() -> None:
    from emotions.images import stored_image_rgb

    for data in (images.portrait_jpeg(), images.encode(Image.new("RGB", (3000, 2500)), "PNG")):
        with io.BytesIO(data) as handle:
            rgb, scale = stored_image_rgb(handle)
        assert scale == 1.0 and rgb.shape[:2] == Image.open(io.BytesIO(data)).size[::-1]
