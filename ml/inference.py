"""Emotion classification of face crops: preprocess -> forward -> postprocess."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from torch import nn

from ml.checkpoint import ModelMeta, load_checkpoint
from ml.prediction import Prediction, predictions_from_rows
from ml.preprocess import preprocess_batch

__all__ = ["EmotionClassifier", "Prediction"]


class EmotionClassifier:
    """A loaded emotion model that classifies RGB face crops in batches on CPU (or a given device)."""

    def __init__(
        self,
        model: nn.Module,
        meta: ModelMeta,
        *,
        num_threads: int | None = None,
        tta: bool = False,
        batch_size: int = 64,
        device: str | torch.device = "cpu",
    ) -> None:
        if num_threads is not None:
            if num_threads < 1:
                raise ValueError(f"num_threads must be >= 1, got {num_threads}")
            # Process-wide setting: a worker process serves one model, so this is the knob it needs.
            torch.set_num_threads(num_threads)
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.device = torch.device(device)
        self.model = model.to(self.device).eval()
        self.meta = meta
        self.labels: tuple[str, ...] = meta.labels
        self.version: str = meta.version
        self.tta = tta
        self.batch_size = batch_size

    @classmethod
    def from_checkpoint(
        cls,
        path: str | os.PathLike[str],
        *,
        num_threads: int | None = None,
        tta: bool = False,
        batch_size: int = 64,
        expected_labels: Sequence[str] | None = None,
    ) -> EmotionClassifier:
        """Load a checkpoint (CPU); raises ml.checkpoint.CheckpointError with a clear message on bad files."""
        model, meta = load_checkpoint(path, expected_labels=expected_labels)
        return cls(model, meta, num_threads=num_threads, tta=tta, batch_size=batch_size)

    def preprocess(self, images: Sequence[NDArray[Any]]) -> torch.Tensor:
        """RGB uint8 crops (HxWx3; HxW gray accepted) -> normalised NCHW tensor at the model's input size."""
        m = self.meta
        return preprocess_batch(images, m.input_size, m.grayscale, m.mean, m.std).to(self.device)

    @torch.inference_mode()
    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        """Calibrated class probabilities: softmax(logits / T); averaged with the mirrored face when tta is on."""
        t = self.meta.temperature
        if not self.tta:
            probs: torch.Tensor = (self.model(batch).float() / t).softmax(dim=1)
            return probs
        # One forward pass over faces and mirrored faces together: at batch 1 the cost is per-layer
        # overhead, so two images cost little more than one (two passes would cost twice).
        both: torch.Tensor = (self.model(torch.cat([batch, torch.flip(batch, dims=[3])])).float() / t).softmax(dim=1)
        n = batch.shape[0]
        averaged: torch.Tensor = (both[:n] + both[n:]) / 2
        return averaged

    def postprocess(self, probs: torch.Tensor) -> list[Prediction]:
        """Probability rows -> Prediction objects."""
        return predictions_from_rows(probs.cpu().numpy(), self.labels)

    def predict_proba(self, images: Sequence[NDArray[Any]]) -> NDArray[Any]:
        """N x num_labels probability matrix, computed in batches of `batch_size`."""
        if len(images) == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        chunks = [
            self.forward(self.preprocess(images[i : i + self.batch_size])).cpu().numpy()
            for i in range(0, len(images), self.batch_size)
        ]
        return np.concatenate(chunks)

    def predict(self, images: Sequence[NDArray[Any]]) -> list[Prediction]:
        """Classify RGB uint8 face crops; one Prediction per image, in order."""
        if len(images) == 0:
            return []
        return self.postprocess(torch.from_numpy(self.predict_proba(images)))
