"""Write operations of the emotions app: visitors and consent, captures and their classification."""

from __future__ import annotations

import dataclasses
import logging
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from rest_framework import exceptions, status

from emotions import classifier as active_model
from emotions.images import image_sanitize
from emotions.models import (
    Capture,
    CaptureStatus,
    ConsentAction,
    ConsentRecord,
    EmotionEvent,
    ReadingSource,
    Visitor,
    VisitorToken,
    capture_upload_name,
)
from emotions.storage import private_storage
from exhibits.models import Exhibit, reference_q
from museum_guide.api_errors import ApiError

if TYPE_CHECKING:
    import numpy as np

    from ml.prediction import Prediction

logger = logging.getLogger(__name__)

# Files in private storage younger than this may belong to an upload whose row is not committed yet.
ORPHAN_FILE_GRACE = timedelta(hours=1)


class CapturesInFlight(exceptions.Throttled):
    """429: the visitor already has CAPTURE_MAX_IN_FLIGHT selfies waiting; one must finish first."""

    default_code = "captures_in_flight"

    def __init__(self, in_flight: int) -> None:
        # A selfie is usually read within a second or two: that is when to try again.
        super().__init__(
            wait=2,
            detail=f"You have {in_flight} photos still being read; send the next one when one of them is done.",
        )


class CaptureProcessingError(Exception):
    """A permanent failure of one capture (retrying cannot help); `code` goes to Capture.error_code."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


class TransientCaptureError(Exception):
    """A failure worth retrying later (model file being replaced, storage hiccup)."""


# --- visitors and consent -------------------------------------------------------------------------


def _desired_emotions_clean(values: Sequence[str]) -> list[str]:
    """Deduplicated labels, each one of the active model's labels (400 unknown_emotion otherwise)."""
    if not values:
        return []
    labels = model_labels()
    unknown = [value for value in values if value not in labels]
    if unknown:
        raise ApiError(
            "unknown_emotion",
            f"Unknown emotion(s) {', '.join(map(repr, unknown))}; the model knows {', '.join(labels)}.",
        )
    return list(dict.fromkeys(values))


def model_labels() -> tuple[str, ...]:
    """The active model's labels; 503 model_unavailable when it cannot be loaded."""
    from ml.checkpoint import CheckpointError

    try:
        return active_model.active_labels()
    except CheckpointError as exc:
        logger.error("emotion model unavailable: %s", exc)
        raise ApiError(
            "model_unavailable", "The emotion model is not available right now.", status.HTTP_503_SERVICE_UNAVAILABLE
        ) from exc


def _consent_apply(visitor: Visitor, *, consent: bool) -> ConsentAction | None:
    """Change the visitor's consent state; returns the change to append to the consent history, if any."""
    now = timezone.now()
    if consent:
        # Giving consent again after the notice changed records the new version.
        if not visitor.consent_emotion_analysis or visitor.consent_version != settings.PRIVACY_NOTICE_VERSION:
            visitor.consent_emotion_analysis = True
            visitor.consent_given_at = now
            visitor.consent_version = settings.PRIVACY_NOTICE_VERSION
            visitor.consent_withdrawn_at = None
            return ConsentAction.GRANTED
    elif visitor.consent_emotion_analysis:
        visitor.consent_emotion_analysis = False
        visitor.consent_withdrawn_at = now
        # Withdrawal stops processing: captures still waiting are discarded with their photos.
        _captures_abandon(visitor.captures.unfinished(), error_code="consent_withdrawn")
        return ConsentAction.WITHDRAWN
    return None


def _consent_record(visitor: Visitor, change: ConsentAction | None) -> None:
    if change is not None:
        at = visitor.consent_given_at if change == ConsentAction.GRANTED else visitor.consent_withdrawn_at
        assert at is not None  # _consent_apply set it with the change
        ConsentRecord.objects.create(
            visitor=visitor, action=change, notice_version=settings.PRIVACY_NOTICE_VERSION, created_at=at
        )


@dataclass(frozen=True)
class NewVisitor:
    """A created visitor and its clear-text API key (shown to the client only this once)."""

    visitor: Visitor
    token: str


@transaction.atomic
def visitor_create(
    *, consent_emotion_analysis: bool = False, language: str = "en", desired_emotions: Sequence[str] = ()
) -> NewVisitor:
    """Create an anonymous visitor with an API key."""
    visitor = Visitor(language=language, desired_emotions=_desired_emotions_clean(desired_emotions))
    change = _consent_apply(visitor, consent=consent_emotion_analysis)
    visitor.save()
    _consent_record(visitor, change)
    key = VisitorToken.generate_key()
    VisitorToken.objects.create(digest=VisitorToken.hash_key(key), visitor=visitor)
    return NewVisitor(visitor=visitor, token=key)


@transaction.atomic
def visitor_token_rotate(*, visitor: Visitor, current_key: str) -> str:
    """Issue a new API key and revoke the one the request used; returns the new key (shown once)."""
    VisitorToken.objects.filter(visitor=visitor, digest=VisitorToken.hash_key(current_key)).delete()
    key = VisitorToken.generate_key()
    VisitorToken.objects.create(digest=VisitorToken.hash_key(key), visitor=visitor)
    return key


def visitor_token_revoke(*, visitor: Visitor, current_key: str) -> None:
    """Revoke the API key the request used (sign this phone out); the visitor's other keys and data stay."""
    VisitorToken.objects.filter(visitor=visitor, digest=VisitorToken.hash_key(current_key)).delete()


@transaction.atomic
def visitor_update(
    *,
    visitor: Visitor,
    consent_emotion_analysis: bool | None = None,
    language: str | None = None,
    desired_emotions: Sequence[str] | None = None,
) -> Visitor:
    """Change a visitor's preferences or consent; withdrawing consent discards pending captures."""
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    if language is not None:
        visitor.language = language
    if desired_emotions is not None:
        visitor.desired_emotions = _desired_emotions_clean(desired_emotions)
    change = None if consent_emotion_analysis is None else _consent_apply(visitor, consent=consent_emotion_analysis)
    visitor.save()
    _consent_record(visitor, change)
    return visitor


def _files_delete(names: Iterable[str]) -> None:
    for name in names:
        try:
            private_storage.delete(name)
        except OSError:  # the purge job retries orphans; erasure must not fail on one file
            logger.exception("could not delete private file %s", name)


def _files_delete_on_commit(names: Sequence[str]) -> None:
    names = [name for name in names if name]
    if names:
        # After commit only: a rolled-back erasure must not have destroyed the files.
        transaction.on_commit(lambda: _files_delete(names))


@transaction.atomic
def visitor_erase(*, visitor: Visitor) -> None:
    """Delete the visitor with all their tokens, captures, events, consent history and files (right to erasure)."""
    names = list(Capture.objects.filter(visitor=visitor).exclude(image="").values_list("image", flat=True))
    visitor.delete()
    _files_delete_on_commit(names)


def visitors_erase_inactive(*, now: Any = None, limit: int = 500) -> int:
    """Erase visitors inactive for VISITOR_RETENTION_DAYS with everything of theirs; returns how many.

    Activity is a change of the visitor's own data (preferences, consent) or a selfie. Erasure goes through
    `visitor_erase`, so exhibit profiles and reports lose the visitor's events exactly as on request.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.VISITOR_RETENTION_DAYS)
    inactive = (
        Visitor.objects.filter(updated_at__lt=cutoff)
        .annotate(last_capture=Max("captures__created_at"))
        .filter(Q(last_capture__isnull=True) | Q(last_capture__lt=cutoff))
        .order_by("updated_at")
    )
    erased = 0
    for visitor in inactive[:limit]:
        # One transaction per visitor: a failure leaves the others erased and is retried next run.
        with transaction.atomic():
            visitor_erase(visitor=visitor)
        erased += 1
    if erased:
        logger.info("retention: erased %d visitors inactive since %s", erased, cutoff.isoformat())
    return erased


# --- captures -------------------------------------------------------------------------------------


def _exhibit_resolve(exhibit: str | int) -> Exhibit:
    reference = str(exhibit).strip()
    found = Exhibit.objects.filter(reference_q(reference)).first()
    if found is None:
        raise ApiError("unknown_exhibit", f"There is no exhibit {reference!r}.")
    if not found.is_active:
        raise ApiError("exhibit_inactive", f"Exhibit {reference!r} is not on display.", status.HTTP_409_CONFLICT)
    return found


def _face_box_check(face_box: dict[str, int], width: int, height: int) -> None:
    x, y, w, h = face_box["x"], face_box["y"], face_box["w"], face_box["h"]
    if x + w > width or y + h > height:
        raise ApiError(
            "face_box_out_of_bounds",
            f"face_box {x},{y},{w},{h} does not fit the {width}x{height} image (after EXIF orientation).",
        )


def _enqueue_classification(capture: Capture) -> None:
    # Imported here: tasks import this module.
    from emotions.tasks import classify_capture_task

    classify_capture_task.delay_on_commit(str(capture.pk))


def _capture_retried_or_refused(visitor: Visitor, idempotency_key: str | None) -> Capture | None:
    """The capture a retry with this Idempotency-Key already made; 403 without consent (checked before any
    photo is decoded or reading stored)."""
    if idempotency_key is not None:
        earlier = Capture.objects.filter(visitor=visitor, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    if not visitor.has_consent:
        raise ApiError("consent_required", "Emotion analysis needs the visitor's consent.", status.HTTP_403_FORBIDDEN)
    return None


def capture_create(
    *,
    visitor: Visitor,
    exhibit: str | int,
    image_data: bytes,
    face_box: dict[str, int] | None = None,
    idempotency_key: str | None = None,
) -> Capture:
    """Validate and store a selfie privately, create its pending Capture and enqueue classification.

    The row and the file are committed together: the file is written first and deleted again if
    the row's transaction fails (a crash in between leaves an orphan the purge job removes). A retry
    with the same `idempotency_key` (a phone that lost the 202) gets the first capture back, once.
    """
    earlier = _capture_retried_or_refused(visitor, idempotency_key)
    if earlier is not None:
        return earlier
    # A soft cap (two simultaneous uploads may both pass the count): it keeps one phone from filling
    # the worker queue ahead of every other visitor, which needs no exactness.
    in_flight = visitor.captures.unfinished().count()
    if in_flight >= settings.CAPTURE_MAX_IN_FLIGHT:
        raise CapturesInFlight(in_flight)
    target = _exhibit_resolve(exhibit)
    sanitized = image_sanitize(image_data)
    if face_box is not None:
        # The phone's box refers to the photo as sent; the stored photo may be reduced: keep the box in its pixels.
        _face_box_check(face_box, sanitized.sent_width, sanitized.sent_height)
        from ml.faces import FaceBox

        face_box = dataclasses.asdict(FaceBox(**face_box).scaled(sanitized.scale))
    name = private_storage.save(capture_upload_name(sanitized.extension), ContentFile(sanitized.content))
    try:
        with transaction.atomic():
            capture = Capture.objects.create(
                visitor=visitor,
                exhibit=target,
                image=name,
                image_width=sanitized.width,
                image_height=sanitized.height,
                face_box=face_box,
                idempotency_key=idempotency_key,
            )
            _enqueue_classification(capture)
    except IntegrityError:
        private_storage.delete(name)
        if idempotency_key is None:
            raise
        # The same retry raced this one and won: both get its capture.
        return Capture.objects.get(visitor=visitor, idempotency_key=idempotency_key)
    except BaseException:
        private_storage.delete(name)
        raise
    return capture


# How far the phone's scores may be from summing to 1 (float32 softmax, rounding in JSON).
SCORES_SUM_TOLERANCE = 1e-3


def _reading_check(scores: dict[str, float], model_version: str) -> tuple[str, float]:
    """A device reading's scores against the distributed model it claims; returns (label, confidence)."""
    from ml.checkpoint import CheckpointError

    try:
        accepted = active_model.distributed_models()
    except CheckpointError as exc:
        raise ApiError(
            "model_unavailable", "The emotion model is not available right now.", status.HTTP_503_SERVICE_UNAVAILABLE
        ) from exc
    labels = accepted.get(model_version)
    if labels is None:
        raise ApiError(
            "unknown_model_version",
            f"model_version {model_version!r} is not a model this server distributes; use one of "
            f"{', '.join(accepted)} (GET /api/v1/models/current/).",
        )
    if set(scores) != set(labels):
        raise ApiError(
            "scores_labels_mismatch",
            f"scores must have exactly the labels of {model_version}: {', '.join(labels)}.",
        )
    values = [scores[label] for label in labels]
    if not all(math.isfinite(value) and value >= 0.0 for value in values):
        raise ApiError("invalid_scores", "Every score must be a finite number >= 0.")
    total = sum(values)
    if abs(total - 1.0) > SCORES_SUM_TOLERANCE:
        raise ApiError(
            "scores_not_normalised",
            f"The scores must sum to 1 (within {SCORES_SUM_TOLERANCE}); they sum to {total:.6f}.",
        )
    best = max(range(len(labels)), key=lambda index: values[index])
    return labels[best], min(1.0, values[best])


def capture_record_reading(
    *,
    visitor: Visitor,
    exhibit: str | int,
    scores: dict[str, float],
    model_version: str,
    idempotency_key: str | None = None,
) -> Capture:
    """Store a reading made on the visitor's phone (no photo ever reached the server) as a finished capture.

    Same consent and exhibit rules as a photo; the scores must come from a model this server distributed
    (current or previous version) with its labels, be finite, >= 0 and sum to 1. Nothing is stored on
    any error. The event records source "device" and the model version.
    """
    earlier = _capture_retried_or_refused(visitor, idempotency_key)
    if earlier is not None:
        return earlier
    target = _exhibit_resolve(exhibit)
    label, confidence = _reading_check(scores, model_version)
    try:
        with transaction.atomic():
            capture = Capture.objects.create(
                visitor=visitor,
                exhibit=target,
                status=CaptureStatus.DONE,
                finished_at=timezone.now(),
                idempotency_key=idempotency_key,
            )
            EmotionEvent.objects.create(
                capture=capture,
                visitor=visitor,
                exhibit=target,
                label=label,
                confidence=confidence,
                scores={name: float(value) for name, value in scores.items()},
                model_version=model_version,
                source=ReadingSource.DEVICE,
            )
    except IntegrityError:
        if idempotency_key is None:
            raise
        return Capture.objects.get(visitor=visitor, idempotency_key=idempotency_key)
    return capture


def _capture_release_image(capture: Capture, *, immediately: bool = False) -> None:
    """Forget the capture's photo and delete the file once the transaction commits.

    With CAPTURE_RETENTION_SECONDS > 0 (and not `immediately`) the file stays until the purge job.
    """
    if not capture.image.name or (settings.CAPTURE_RETENTION_SECONDS > 0 and not immediately):
        return
    _files_delete_on_commit([capture.image.name])
    capture.image = ""


def _capture_close(capture: Capture, *, outcome: str, error_code: str = "", immediately: bool = False) -> None:
    capture.status = outcome
    capture.error_code = error_code
    capture.finished_at = timezone.now()
    _capture_release_image(capture, immediately=immediately)
    capture.save()


def _captures_abandon(captures: Iterable[Capture], *, error_code: str) -> None:
    for capture in captures:
        _capture_close(capture, outcome=CaptureStatus.FAILED, error_code=error_code, immediately=True)


def _locked_capture(capture_id: uuid.UUID | str) -> Capture | None:
    # of=("self",): lock only the capture row, not the joined visitor.
    return Capture.objects.select_for_update(of=("self",)).select_related("visitor").filter(pk=capture_id).first()


@transaction.atomic
def _capture_start(*, capture_id: uuid.UUID | str) -> Capture | None:
    """Mark a capture processing (attempts += 1); None when there is nothing (more) to do."""
    capture = _locked_capture(capture_id)
    if capture is None or capture.is_finished:
        return None
    if not capture.visitor.has_consent:
        _capture_close(capture, outcome=CaptureStatus.FAILED, error_code="consent_withdrawn", immediately=True)
        return None
    if capture.attempts >= settings.CAPTURE_MAX_ATTEMPTS:
        _capture_close(capture, outcome=CaptureStatus.FAILED, error_code="too_many_attempts")
        return None
    capture.status = CaptureStatus.PROCESSING
    capture.attempts += 1
    capture.processing_started_at = timezone.now()
    capture.save()
    return capture


@transaction.atomic
def _capture_finish(
    *,
    capture_id: uuid.UUID | str,
    outcome: str,
    error_code: str = "",
    prediction: Prediction | None = None,
    model_version: str = "",
) -> Capture | None:
    """Store the outcome (and the event) in one transaction, unless another run already did."""
    capture = _locked_capture(capture_id)
    if capture is None or capture.status != CaptureStatus.PROCESSING:
        # Erased, consent withdrawn, or finished by a concurrent run (requeued + redelivered message).
        return capture
    if prediction is not None:
        try:
            # A savepoint, so that a lost race leaves the outer transaction usable.
            with transaction.atomic():
                EmotionEvent.objects.create(
                    capture=capture,
                    visitor=capture.visitor,
                    exhibit_id=capture.exhibit_id,
                    label=prediction.label,
                    confidence=float(prediction.confidence),
                    scores={label: float(score) for label, score in prediction.scores.items()},
                    model_version=model_version,
                )
        except IntegrityError:
            # The OneToOne constraint: another run stored this capture's event first. Keep theirs.
            if not EmotionEvent.objects.filter(capture=capture).exists():
                raise
            logger.info("capture %s already has an event; keeping the first one", capture.pk)
    _capture_close(capture, outcome=outcome, error_code=error_code)
    return capture


def _capture_load_rgb(capture: Capture) -> tuple[np.ndarray[Any, Any], float]:
    """The photo's pixels as the worker reads them (large JPEGs scaled down in the decoder) and their scale."""
    from PIL import Image, UnidentifiedImageError

    from emotions.images import stored_image_rgb

    if not capture.image.name:
        raise CaptureProcessingError("image_missing", "the capture has no image any more")
    try:
        with private_storage.open(capture.image.name, "rb") as handle:
            return stored_image_rgb(handle)
    except FileNotFoundError:
        raise CaptureProcessingError("image_missing", f"{capture.image.name} does not exist") from None
    except (UnidentifiedImageError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise CaptureProcessingError("image_unreadable", str(exc)) from None
    except OSError as exc:
        raise TransientCaptureError(f"reading {capture.image.name}: {exc}") from exc


def capture_classify(*, capture_id: uuid.UUID | str) -> Capture | None:
    """Find the face on a capture, classify its expression and record the outcome (idempotent).

    Outcomes: `done` with one EmotionEvent, `no_face`, or `failed` with an error code for permanent
    errors. Raises TransientCaptureError (or a database error) when a retry may succeed; the
    capture then stays `processing` until the retry or the stuck-capture job.
    """
    from ml.checkpoint import CheckpointError
    from ml.faces import FaceBox, FaceDetectorError, photo_face_crop

    capture = _capture_start(capture_id=capture_id)
    if capture is None:
        return Capture.objects.filter(pk=capture_id).first()
    try:
        rgb, scale = _capture_load_rgb(capture)
    except CaptureProcessingError as exc:
        logger.warning("capture %s failed permanently: %s", capture.pk, exc)
        return _capture_finish(capture_id=capture.pk, outcome=CaptureStatus.FAILED, error_code=exc.code)
    try:
        model = active_model.get_classifier()
        detector = active_model.get_face_detector()
    except (CheckpointError, FaceDetectorError) as exc:
        raise TransientCaptureError(f"emotion model unavailable: {exc}") from exc
    # The box is in the stored photo's pixels; the decoded pixels may be scaled down further.
    face_box = FaceBox(**capture.face_box).scaled(scale) if capture.face_box else None
    crop = photo_face_crop(rgb, detector, face_box=face_box)
    if crop is None:
        return _capture_finish(capture_id=capture.pk, outcome=CaptureStatus.NO_FACE)
    prediction = model.predict([crop])[0]
    return _capture_finish(
        capture_id=capture.pk, outcome=CaptureStatus.DONE, prediction=prediction, model_version=model.version
    )


@dataclass(frozen=True)
class RequeueReport:
    """What the stuck-capture job did."""

    requeued: list[uuid.UUID]
    failed: list[uuid.UUID]


@transaction.atomic
def captures_requeue_stuck(
    *, stuck_after: timedelta | None = None, max_attempts: int | None = None, limit: int = 500
) -> RequeueReport:
    """Enqueue again captures pending/processing for too long; fail those out of attempts.

    A capture is stuck when its worker died (SIGKILL, OOM, deploy) or its message was lost. Reading a
    face takes about a second, so one `processing` for CAPTURE_PROCESSING_STUCK_SECONDS has lost its
    worker: it is rescued within seconds. A `pending` one may just be waiting in a busy queue, so it
    waits CAPTURE_STUCK_AFTER_SECONDS (`stuck_after`), or a flood would duplicate the queue. The task is
    idempotent (one event per capture), so re-enqueueing one that is merely slow costs only duplicate work.
    """
    stuck_after = stuck_after if stuck_after is not None else timedelta(seconds=settings.CAPTURE_STUCK_AFTER_SECONDS)
    max_attempts = max_attempts if max_attempts is not None else settings.CAPTURE_MAX_ATTEMPTS
    now = timezone.now()
    processing_cutoff = now - timedelta(seconds=settings.CAPTURE_PROCESSING_STUCK_SECONDS)
    # skip_locked: rows a worker holds right now are not stuck, and two beat runs never share rows.
    stuck = list(
        Capture.objects.unfinished()
        .filter(
            Q(status=CaptureStatus.PROCESSING, updated_at__lt=processing_cutoff)
            | Q(status=CaptureStatus.PENDING, updated_at__lt=now - stuck_after)
        )
        .order_by("updated_at")
        .select_for_update(skip_locked=True)[:limit]
    )
    report = RequeueReport(requeued=[], failed=[])
    for capture in stuck:
        if capture.attempts >= max_attempts:
            _capture_close(capture, outcome=CaptureStatus.FAILED, error_code="too_many_attempts")
            report.failed.append(capture.pk)
        else:
            capture.save(update_fields=["updated_at"])  # restart the clock: the next sweep waits again
            _enqueue_classification(capture)
            report.requeued.append(capture.pk)
    if stuck:
        logger.warning("stuck captures: %d requeued, %d failed", len(report.requeued), len(report.failed))
    return report


def capture_images_purge(*, now: Any = None) -> int:
    """Delete selfies past CAPTURE_RETENTION_SECONDS and orphaned files; returns files deleted."""
    now = now or timezone.now()
    deleted = 0
    cutoff = now - timedelta(seconds=settings.CAPTURE_RETENTION_SECONDS)
    expired = Capture.objects.filter(status__in=Capture.FINISHED, finished_at__lte=cutoff).exclude(image="")
    for capture_id in expired.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            capture = _locked_capture(capture_id)
            if capture is not None and capture.image.name:
                _capture_release_image(capture, immediately=True)
                capture.save(update_fields=["image", "updated_at"])
                deleted += 1
    # Files no row points at: an upload whose transaction failed after the write, or a worker that
    # died between commit and delete. The grace period protects uploads still in flight.
    if private_storage.exists("captures"):
        _, files = private_storage.listdir("captures")
        known = set(Capture.objects.exclude(image="").values_list("image", flat=True))
        for filename in files:
            name = f"captures/{filename}"
            if name in known or now - private_storage.get_modified_time(name) < ORPHAN_FILE_GRACE:
                continue
            _files_delete([name])
            deleted += 1
    return deleted
