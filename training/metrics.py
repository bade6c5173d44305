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
