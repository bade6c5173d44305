"""Classification metrics shared by the training loop and the evaluate CLI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support


def classification_metrics(
    y_true: NDArray[np.integer[Any]], y_pred: NDArray[np.integer[Any]], labels: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix (rows = truth)."""
    k = len(labels)
    index = list(range(k))
    n = int(y_true.shape[0])
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=index, average=None, zero_division=0
    )
    per_class = {
        label: {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }
        for i, label in enumerate(labels)
    }
    return {
        "n": n,
        "accuracy": float((y_true == y_pred).mean()) if n else 0.0,
        "macro_f1": float(np.mean(f1)) if n else 0.0,
        "per_class": per_class,
        "labels": list(labels),
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=index).tolist(),
    }


def calibration_metrics(
    probs: NDArray[np.floating[Any]], y_true: NDArray[np.integer[Any]], n_bins: int = 15
) -> dict[str, Any]:
    """Expected calibration error (equal-width confidence bins), negative log-likelihood and a reliability table.

    ECE = sum over bins of (bin share) x |accuracy - mean confidence|: how far the model's stated
    confidence is from how often it is right, which is what a museum reads as "82% surprised".
    """
    n = int(y_true.shape[0])
    if n == 0:
        return {"ece": 0.0, "nll": 0.0, "bins": []}
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y_true
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # Bin i holds confidences in (edges[i], edges[i + 1]]; a confidence of exactly 0 cannot occur.
    which = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, n_bins - 1)
    ece, bins = 0.0, []
    for i in range(n_bins):
        mask = which == i
        count = int(mask.sum())
        if count == 0:
            continue
        accuracy, mean_confidence = float(correct[mask].mean()), float(confidence[mask].mean())
        ece += count / n * abs(accuracy - mean_confidence)
        bins.append(
            {
                "low": float(edges[i]),
                "high": float(edges[i + 1]),
                "n": count,
                "accuracy": accuracy,
                "confidence": mean_confidence,
            }
        )
    nll = float(-np.log(np.clip(probs[np.arange(n), y_true], 1e-12, 1.0)).mean())
    return {"ece": float(ece), "nll": nll, "bins": bins}
