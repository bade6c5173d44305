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
    from ml.prediction import FaceReader

_lock = threading.Lock()
# (resolved path, mtime_ns, runtime, tta) -> classifier; one entry, replaced when the file at the path changes.
_cache: dict[tuple[str, int, str, bool], FaceReader] = {}


def _load(path: Path, runtime: str) -> FaceReader:
    # Imported here so that web processes that never classify pay for neither runtime.
    from ml.checkpoint import CheckpointError

    threads = settings.EMOTION_MODEL_NUM_THREADS
    if runtime == "torch":
        from ml.inference import EmotionClassifier

        return EmotionClassifier.from_checkpoint(path, num_threads=threads, tta=settings.EMOTION_MODEL_TTA)
    if runtime != "onnx":
        raise CheckpointError(f"EMOTION_RUNTIME must be 'onnx' or 'torch', not {runtime!r}")
    from ml.export import ensure_export
    from ml.onnx_classifier import OnnxEmotionClassifier

    if not path.is_file():
        raise CheckpointError(f"emotion model checkpoint not found: {path}")
    try:
        folder = ensure_export(path, settings.EMOTION_EXPORT_DIR, settings.FACE_DETECTOR_PATH)
        return OnnxEmotionClassifier.from_folder(folder, num_threads=threads, tta=settings.EMOTION_MODEL_TTA)
    except CheckpointError:
        raise
    except Exception as exc:  # an export or onnxruntime failure must read as "model unavailable", not a 500
        raise CheckpointError(f"could not export or load the ONNX model of {path}: {exc}") from exc


def get_classifier() -> FaceReader:
    """The classifier of settings.EMOTION_MODEL_PATH on settings.EMOTION_RUNTIME, loaded once per process.

    Raises ml.checkpoint.CheckpointError when the file is missing or unusable. A new file at the
    path (a model deploy) is picked up on the next call; in-flight predictions keep the old object.
    """
    path = Path(settings.EMOTION_MODEL_PATH).resolve()
    runtime, tta = str(settings.EMOTION_RUNTIME), bool(settings.EMOTION_MODEL_TTA)
    try:
        key = (str(path), path.stat().st_mtime_ns, runtime, tta)
    except OSError:
        key = (str(path), -1, runtime, tta)  # let the loader raise its own clear CheckpointError
    classifier = _cache.get(key)
    if classifier is not None:
        return classifier
    # The lock keeps threads of one process (gunicorn threads, tests) from loading it twice.
    with _lock:
        classifier = _cache.get(key)
        if classifier is None:
            classifier = _load(path, runtime)
            _cache.clear()
            _cache[key] = classifier
    return classifier


@functools.cache
def _face_detector(path: str, min_score: float, confirm_score: float) -> FaceDetector:
    from ml.faces import FaceDetector

    return FaceDetector(path, score_threshold=min_score, confirm_threshold=min(confirm_score, min_score))


def get_face_detector() -> FaceDetector:
    """The face detector at settings.FACE_DETECTOR_PATH, loaded on first use in this process.

    Raises ml.faces.FaceDetectorError when the file is missing, altered or unloadable.
    """
    return _face_detector(
        str(Path(settings.FACE_DETECTOR_PATH).resolve()),
        settings.FACE_DETECTOR_MIN_SCORE,
        settings.FACE_DETECTOR_CONFIRM_SCORE,
    )


def active_export() -> Path:
    """The ONNX export folder of the active model (manifest + files phones download), exported if missing.

    Raises ml.checkpoint.CheckpointError when the model cannot be loaded or exported.
    """
    classifier = get_classifier()
    folder = getattr(classifier, "folder", None)
    if folder is not None:
        return Path(folder)
    from ml.export import ensure_export

    try:
        return ensure_export(settings.EMOTION_MODEL_PATH, settings.EMOTION_EXPORT_DIR, settings.FACE_DETECTOR_PATH)
    except Exception as exc:  # the torch runtime serves the server; phones still need the export
        from ml.checkpoint import CheckpointError

        raise CheckpointError(f"could not export {settings.EMOTION_MODEL_PATH}: {exc}") from exc


def distributed_models() -> dict[str, tuple[str, ...]]:
    """Model versions phones may read faces with -> their labels: the current export and the one before it.

    A phone that downloaded the previous model before a deploy keeps working until it updates.
    """
    import json

    current = active_export()
    others = [
        manifest
        for manifest in Path(settings.EMOTION_EXPORT_DIR).glob("*/manifest.json")
        if manifest.parent.resolve() != current.resolve()
    ]
    others.sort(key=lambda manifest: manifest.stat().st_mtime_ns, reverse=True)
    versions = {}
    for manifest_path in [current / "manifest.json", *others[:1]]:
        manifest = json.loads(manifest_path.read_text())
        versions[str(manifest["model_version"])] = tuple(str(label) for label in manifest["labels"])
    return versions


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
