"""What a classifier returns for one face, whichever runtime computed it (torch or onnxruntime)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Prediction:
    """The expressed emotion of one face: top label, its probability, and all probabilities (sum to 1)."""

    label: str
    confidence: float
    scores: dict[str, float]


def predictions_from_rows(rows: NDArray[Any], labels: Sequence[str]) -> list[Prediction]:
    """Probability rows (N x labels) -> Prediction objects, each row renormalised to sum to exactly 1."""
    predictions = []
    for row in np.asarray(rows, dtype=np.float64):
        row = row / row.sum()
        best = int(row.argmax())
        scores = {label: float(p) for label, p in zip(labels, row, strict=True)}
        predictions.append(Prediction(labels[best], float(row[best]), scores))
    return predictions


class FaceReader(Protocol):
    """What web and worker need of a classifier, whichever runtime serves it (torch or onnxruntime)."""

    labels: tuple[str, ...]
    version: str

    def predict(self, images: Sequence[NDArray[Any]]) -> list[Prediction]:
        """Classify RGB uint8 face crops; one Prediction per image, in order."""
        ...
