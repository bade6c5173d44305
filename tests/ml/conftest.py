"""Fixtures for ml/ tests: a tiny real checkpoint built from the production code paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from ml.checkpoint import ModelMeta, save_checkpoint
from ml.model import build_model

FER_LABELS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")
# A narrow b0 keeps the tests fast; the code path is the same as for the shipped model.
TINY_OPTIONS = {"width_mult": 0.25, "depth_mult": 0.25, "stem_stride": 2, "stochastic_depth_prob": 0.0}


def tiny_meta(**overrides: object) -> ModelMeta:
    """Metadata of a small grayscale b0 with the FER labels."""
    fields: dict[str, object] = {
        "arch": "efficientnet_v2_b0",
        "labels": FER_LABELS,
        "input_size": 32,
        "grayscale": True,
        "mean": (0.5,),
        "std": (0.25,),
        "arch_options": TINY_OPTIONS,
        "metrics": {"val_accuracy": 0.5},
    }
    fields.update(overrides)
    return ModelMeta(**fields)  # type: ignore[arg-type]


def tiny_model(meta: ModelMeta) -> torch.nn.Module:
    """An untrained model matching `meta`."""
    torch.manual_seed(0)
    options: dict[str, Any] = dict(meta.arch_options)
    return build_model(meta.arch, len(meta.labels), meta.dropout, in_channels=meta.in_channels, **options).eval()


@pytest.fixture
def checkpoint_path(tmp_path: Path) -> Path:
    """A saved tiny grayscale checkpoint."""
    meta = tiny_meta()
    path = tmp_path / "model.pt"
    save_checkpoint(path, tiny_model(meta), meta)
    return path
