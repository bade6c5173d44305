"""The emotion classifier on onnxruntime: the exported graph (ml.export) the worker and web process run.

Same preprocessing and the same calibrated probabilities as ml.inference.EmotionClassifier (torch),
which stays for training, evaluation and export; measured about 7x faster per face on one CPU thread
(docs/BENCHMARKS.md). Imports neither torch nor Django.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ml.export import MANIFEST_NAME
from ml.prediction import Prediction, predictions_from_rows
from ml.preprocess import to_model_pixels


class OnnxEmotionClassifier:
    """Classifies RGB face crops with an exported model folder (manifest + ONNX graph) on the CPU."""

    def __init__(
        self, folder: str | os.PathLike[str], *, num_threads: int | None = None, tta: bool = False, batch_size: int = 64
    ) -> None:
        import onnxruntime

        if num_threads is not None and num_threads < 1:
            raise ValueError(f"num_threads must be >= 1, got {num_threads}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.folder = Path(folder)
        self.manifest: dict[str, Any] = json.loads((self.folder / MANIFEST_NAME).read_text())
        self.labels: tuple[str, ...] = tuple(self.manifest["labels"])
        self.version: str = self.manifest["model_version"]
        contract = self.manifest["preprocessing"]
        self.input_size, self.grayscale = int(contract["input_size"]), bool(contract["grayscale"])
        self.tta, self.batch_size = tta, batch_size
        options = onnxruntime.SessionOptions()
        if num_threads is not None:
            options.intra_op_num_threads = num_threads
            options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(self.folder / self.manifest["classifier"]["file"]), options, providers=["CPUExecutionProvider"]
        )

    @classmethod
    def from_folder(
        cls, folder: str | os.PathLike[str], *, num_threads: int | None = None, tta: bool = False
    ) -> OnnxEmotionClassifier:
        """Load an export folder written by `ml.export.ensure_export`."""
        return cls(folder, num_threads=num_threads, tta=tta)

    def preprocess(self, images: Sequence[NDArray[Any]]) -> NDArray[np.float32]:
        """RGB uint8 crops -> NCHW float32 pixels 0..255 at the model's input size (normalised in the graph)."""
        pixels = np.stack([to_model_pixels(image, self.input_size, self.grayscale) for image in images])
        return np.ascontiguousarray(pixels.transpose(0, 3, 1, 2), dtype=np.float32)

    def forward(self, pixels: NDArray[np.float32]) -> NDArray[np.float32]:
        """Calibrated probabilities; with tta, averaged with the mirrored faces (one run over both)."""
        if not self.tta:
            probabilities: NDArray[np.float32] = self.session.run(["probabilities"], {"pixels": pixels})[0]
            return probabilities
        both = self.session.run(["probabilities"], {"pixels": np.concatenate([pixels, pixels[:, :, :, ::-1]])})[0]
        n = pixels.shape[0]
        averaged: NDArray[np.float32] = (both[:n] + both[n:]) / 2
        return averaged

    def predict_proba(self, images: Sequence[NDArray[Any]]) -> NDArray[Any]:
        """N x num_labels probability matrix, computed in batches of `batch_size`."""
        if len(images) == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return np.concatenate(
            [
                self.forward(self.preprocess(images[i : i + self.batch_size]))
                for i in range(0, len(images), self.batch_size)
            ]
        )

    def predict(self, images: Sequence[NDArray[Any]]) -> list[Prediction]:
        """Classify RGB uint8 face crops; one Prediction per image, in order."""
        if len(images) == 0:
            return []
        return predictions_from_rows(self.predict_proba(images), self.labels)
