"""Fit the softmax temperature of a checkpoint on validation data and store it in a copy of the checkpoint.

python -m training.calibrate --checkpoint RUN/emotion_model.pt --data /tmp/fer2013/val --out ml/weights/emotion_model.pt

Temperature scaling (Guo et al. 2017, "On calibration of modern neural networks") divides the logits by one
scalar T fitted to minimise the negative log-likelihood on held-out data. It changes no prediction (the
argmax is the same), only how confident the model says it is, which the app shows to visitors as "83% happy".
With --tta, T is fitted on what the server shows when it reads with the mirror image (EMOTION_MODEL_TTA): the
mean of softmax(logits / T) over the face and its mirror, which is less confident than one reading.
Prints one JSON object: the temperature and ECE/NLL before and after.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

from ml.checkpoint import CheckpointError, ModelMeta, load_checkpoint, save_checkpoint, write_sha256_sidecar
from ml.preprocess import normalize
from training.data import ImageArray, load_image_folder
from training.evaluate import labelled_samples
from training.metrics import calibration_metrics

logger = logging.getLogger("training.calibrate")

# Search range of log T: T from 0.2 to 5 covers over- and under-confidence far beyond what training produces.
_LOG_T_BOUNDS = (math.log(0.2), math.log(5.0))


def get_args_parser() -> argparse.ArgumentParser:
    """Command-line options of the calibration."""
    p = argparse.ArgumentParser(description="Fit and store the softmax temperature of an emotion checkpoint")
    p.add_argument("--checkpoint", required=True, type=Path, help="checkpoint to calibrate")
    p.add_argument("--data", required=True, type=Path, help="validation ImageFolder (never the test split)")
    p.add_argument("--out", required=True, type=Path, help="calibrated checkpoint to write (may equal --checkpoint)")
    p.add_argument("--tta", action="store_true", help="fit T on the mirror-averaged reading (what the server shows)")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--threads", type=int, default=None)
    return p


@torch.inference_mode()
def raw_logits(
    model: torch.nn.Module, meta: ModelMeta, arrays: ImageArray, batch_size: int, *, mirrored: bool = False
) -> NDArray[Any]:
    """Logits of the model (no temperature) for decoded images (or their mirror images), N x num_labels float64."""
    chunks = []
    for i in range(0, len(arrays), batch_size):
        x = normalize(torch.from_numpy(np.ascontiguousarray(arrays.images[i : i + batch_size])), meta.mean, meta.std)
        chunks.append(model(torch.flip(x, dims=[3]) if mirrored else x).double().numpy())
    return np.concatenate(chunks)


def probabilities(views: Sequence[NDArray[Any]], temperature: float) -> NDArray[Any]:
    """The reading at `temperature`: softmax(logits / T), averaged over the views (the face, its mirror)."""
    total: NDArray[Any] = sum(softmax(logits / temperature, axis=1) for logits in views)
    return total / len(views)


def nll(views: Sequence[NDArray[Any]], targets: NDArray[Any], temperature: float) -> float:
    """Mean negative log-likelihood of the targets under the reading at `temperature`."""
    if len(views) == 1:  # exact in log space for one view
        logp = log_softmax(views[0] / temperature, axis=1)
    else:
        logp = np.log(np.maximum(probabilities(views, temperature), 1e-300))
    return float(-logp[np.arange(len(targets)), targets].mean())


def fit_temperature(views: Sequence[NDArray[Any]], targets: NDArray[Any]) -> float:
    """The temperature that minimises validation NLL (bounded 1-D search over log T)."""
    result = minimize_scalar(lambda log_t: nll(views, targets, math.exp(log_t)), bounds=_LOG_T_BOUNDS, method="bounded")
    return float(math.exp(result.x))


def calibrate(checkpoint: Path, data: Path, out: Path, *, batch_size: int = 256, tta: bool = False) -> dict[str, Any]:
    """Fit T on `data`, write the checkpoint with it to `out`; returns the temperature and metrics before/after.

    With `tta`, T is fitted, and the metrics measured, on the reading averaged with the mirror image.
    """
    model, meta = load_checkpoint(checkpoint)
    labelled_samples(data, meta.labels)
    arrays = load_image_folder(data, meta.input_size, meta.grayscale, None)
    views = [raw_logits(model, meta, arrays, batch_size)]
    if tta:
        views.append(raw_logits(model, meta, arrays, batch_size, mirrored=True))
    before = calibration_metrics(probabilities(views, meta.temperature), arrays.targets)
    temperature = fit_temperature(views, arrays.targets)
    after = calibration_metrics(probabilities(views, temperature), arrays.targets)
    metrics = {
        **meta.metrics,
        "temperature_fit_n": float(len(arrays)),
        "temperature_fit_mirror_averaged": float(tta),
        "val_ece_uncalibrated": before["ece"],
        "val_nll_uncalibrated": before["nll"],
        "val_ece": after["ece"],
        "val_nll": after["nll"],
    }
    saved = save_checkpoint(out, model, dataclasses.replace(meta, temperature=temperature, metrics=metrics))
    write_sha256_sidecar(out)
    logger.info(
        "T = %.4f: ECE %.4f -> %.4f, NLL %.4f -> %.4f",
        temperature,
        before["ece"],
        after["ece"],
        before["nll"],
        after["nll"],
    )
    return {
        "checkpoint": str(checkpoint),
        "out": str(out),
        "model_version": saved.version,
        "data": str(data),
        "n": len(arrays),
        "tta": tta,
        "temperature": temperature,
        "before": {"temperature": meta.temperature, "ece": before["ece"], "nll": before["nll"]},
        "after": {"temperature": temperature, "ece": after["ece"], "nll": after["nll"]},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; exit code 2 on a bad checkpoint or mismatched data."""
    args = get_args_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        result = calibrate(args.checkpoint, args.data, args.out, batch_size=args.batch_size, tta=args.tta)
    except (CheckpointError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
