"""Evaluate a checkpoint on an ImageFolder tree: python -m training.evaluate --checkpoint PATH --data DIR [--tta].

With --photos the images are whole photos (a selfie, a phone picture): each goes through the worker's face
stage (`ml.faces.photo_face_crop`: detection, eye-level alignment, crop) first, and a photo in which no face
is found counts as a wrong answer (`faces_found` says how many were found).

Prints one JSON object on stdout (accuracy, macro_f1, per-class precision/recall/F1, confusion matrix, n,
calibration: expected calibration error, NLL and a reliability table) and writes a confusion-matrix PNG.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import torch
from numpy.typing import NDArray
from PIL import Image, ImageOps

from ml.checkpoint import CheckpointError, load_checkpoint
from ml.faces import FaceDetector, photo_face_crop
from ml.inference import EmotionClassifier
from ml.preprocess import normalize
from training.data import list_image_folder, load_image_folder
from training.metrics import calibration_metrics, classification_metrics

logger = logging.getLogger("training.evaluate")


def get_args_parser() -> argparse.ArgumentParser:
    """Command-line options of the evaluation."""
    p = argparse.ArgumentParser(description="Evaluate an emotion checkpoint on an ImageFolder tree")
    p.add_argument("--checkpoint", required=True, type=Path)
    p.add_argument("--data", required=True, type=Path, help="ImageFolder root whose classes match the labels")
    p.add_argument("--tta", action="store_true", help="average with the horizontally flipped face")
    p.add_argument("--photos", action="store_true", help="whole photos: find and crop the face as the worker does")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--cm-png", type=Path, default=None, help="confusion-matrix PNG (default next to checkpoint)")
    p.add_argument("--cache-dir", type=Path, default=None, help="decoded-image cache directory (default: none)")
    return p


def plot_confusion_matrix(cm: NDArray[Any], labels: Sequence[str], path: Path, title: str) -> None:
    """Row-normalised confusion matrix with counts, saved as PNG."""
    matplotlib.use("Agg")  # headless: no display on servers and CI
    import matplotlib.pyplot as plt

    norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(1.0 + 0.9 * len(labels), 0.6 + 0.8 * len(labels)), dpi=120)
    im = ax.imshow(norm, cmap="Blues", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=9)
    for i in range(len(labels)):
        for j in range(len(labels)):
            colour = "white" if norm[i, j] > 0.5 else "black"
            ax.text(j, i, f"{cm[i, j]}\n{norm[i, j]:.0%}", ha="center", va="center", fontsize=7, color=colour)
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def labelled_samples(data: Path, labels: Sequence[str]) -> list[tuple[Path, int]]:
    """(file, class index) pairs of an ImageFolder tree; ValueError unless its classes are `labels`, in order."""
    classes, samples = list_image_folder(data)
    if tuple(classes) != tuple(labels):
        raise ValueError(f"class folders of {data} {list(classes)} do not match the checkpoint's labels {list(labels)}")
    return samples


def photo_probabilities(
    classifier: EmotionClassifier, files: Sequence[Path], *, detector: FaceDetector | None = None
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Probabilities for whole photos read through the worker's face stage, and a found-a-face mask.

    Rows of photos without a face are all zero (so their argmax never matches a label by chance: they are
    scored as wrong through the mask, see run_evaluation).
    """
    detector = detector or FaceDetector()
    probs = np.zeros((len(files), len(classifier.labels)), dtype=np.float32)
    found = np.zeros(len(files), dtype=bool)
    crops, rows = [], []
    for i, path in enumerate(files):
        with Image.open(path) as image:
            rgb = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
        crop = photo_face_crop(rgb, detector)
        if crop is not None:
            crops.append(crop)
            rows.append(i)
    if crops:
        probs[rows] = classifier.predict_proba(crops)
        found[rows] = True
    return probs, found


def run_evaluation(
    checkpoint: Path,
    data: Path,
    *,
    tta: bool = False,
    batch_size: int = 256,
    cache_dir: Path | None = None,
    photos: bool = False,
) -> dict[str, Any]:
    """Metrics of a checkpoint on an ImageFolder tree (raises ValueError when classes do not match labels)."""
    model, meta = load_checkpoint(checkpoint)
    samples = labelled_samples(data, meta.labels)
    classifier = EmotionClassifier(model, meta, tta=tta, batch_size=batch_size)
    if photos:
        started = time.perf_counter()
        probs, found = photo_probabilities(classifier, [path for path, _ in samples])
        targets = np.array([label for _, label in samples])
        predicted = np.where(found, probs.argmax(1), -1)
        result = classification_metrics(targets, predicted, meta.labels)
        result["faces_found"] = int(found.sum())
        result["calibration"] = calibration_metrics(probs[found], targets[found])
        return _with_run_info(result, checkpoint, meta.version, data, tta, time.perf_counter() - started)
    arrays = load_image_folder(data, meta.input_size, meta.grayscale, cache_dir)
    started = time.perf_counter()
    chunks = []
    for i in range(0, len(arrays), batch_size):
        batch = torch.from_numpy(np.ascontiguousarray(arrays.images[i : i + batch_size]))
        chunks.append(classifier.forward(normalize(batch, meta.mean, meta.std)).numpy())
    probs = np.concatenate(chunks)
    seconds = time.perf_counter() - started
    result = classification_metrics(arrays.targets, probs.argmax(1), meta.labels)
    result["calibration"] = calibration_metrics(probs, arrays.targets)
    return _with_run_info(result, checkpoint, meta.version, data, tta, seconds)


def _with_run_info(
    result: dict[str, Any], checkpoint: Path, version: str, data: Path, tta: bool, seconds: float
) -> dict[str, Any]:
    result.update(
        {
            "checkpoint": str(checkpoint),
            "model_version": version,
            "data": str(data),
            "tta": tta,
            "seconds": round(seconds, 3),
        }
    )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; exit code 2 on a bad checkpoint or mismatched data."""
    args = get_args_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        result = run_evaluation(
            args.checkpoint,
            args.data,
            tta=args.tta,
            batch_size=args.batch_size,
            cache_dir=args.cache_dir,
            photos=args.photos,
        )
    except (CheckpointError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    png = args.cm_png or args.checkpoint.with_name(f"{args.checkpoint.stem}_confusion{'_tta' if args.tta else ''}.png")
    title = f"{result['model_version']} on {args.data.name}: acc {result['accuracy']:.3f}, F1 {result['macro_f1']:.3f}"
    plot_confusion_matrix(np.array(result["confusion_matrix"]), result["labels"], png, title)
    result["confusion_matrix_png"] = str(png)
    logger.info("accuracy %.4f macro-F1 %.4f on %d images", result["accuracy"], result["macro_f1"], result["n"])
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
