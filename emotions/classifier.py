"""The active emotion classifier and face detector, loaded lazily once per process and shared by web and worker.

The label set of the whole product comes from the checkpoint's metadata (`classifier.labels`);
nothing in the Django apps hard-codes it.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from ml.faces import FaceDetector
    from ml.inference import EmotionClassifier

_lock = threading.Lock()
# (resolved path, mtime_ns) -> classifier; one entry, replaced when the file at the path changes.
_cache: dict[tuple[str, int], EmotionClassifier] = {}


def get_classifier() -> EmotionClassifier:
    """The classifier at settings.EMOTION_MODEL_PATH, loaded on first use in this process.

    Raises ml.checkpoint.CheckpointError when the file is missing or unusable. A new file at the
    path (a model deploy) is picked up on the next call; in-flight predictions keep the old object.
    """
    path = Path(settings.EMOTION_MODEL_PATH).resolve()
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError:
        key = (str(path), -1)  # let the loader raise its own clear CheckpointError
    classifier = _cache.get(key)
    if classifier is not None:
        return classifier
    # The lock keeps threads of one process (gunicorn threads, tests) from loading it twice.
    with _lock:
        classifier = _cache.get(key)
        if classifier is None:
            # Imported here so that web processes that never classify do not pay torch's import.
            from ml.inference import EmotionClassifier

            classifier = EmotionClassifier.from_checkpoint(path, num_threads=settings.EMOTION_MODEL_NUM_THREADS)
            _cache.clear()
            _cache[key] = classifier
    return classifier


@functools.cache
def _face_detector(path: str, min_score: float) -> FaceDetector:
    from ml.faces import FaceDetector

    return FaceDetector(path, score_threshold=min_score)


def get_face_detector() -> FaceDetector:
    """The face detector at settings.FACE_DETECTOR_PATH, loaded on first use in this process.

    Raises ml.faces.FaceDetectorError when the file is missing, altered or unloadable.
    """
    return _face_detector(str(Path(settings.FACE_DETECTOR_PATH).resolve()), settings.FACE_DETECTOR_MIN_SCORE)


def active_labels() -> tuple[str, ...]:
    """Emotion labels of the active model, in its output order."""
    return tuple(get_classifier().labels)


def active_model_version() -> str:
    """Version string of the active model (architecture + weights hash)."""
    return get_classifier().version


def check_model_ready() -> None:
    """Readiness probe: raises when the model or the face detector cannot be loaded."""
    get_classifier()
    get_face_detector()


def clear_classifier_cache() -> None:
    """Forget the loaded classifier (tests that switch checkpoints)."""
    with _lock:
        _cache.clear()
    _face_detector.cache_clear()
