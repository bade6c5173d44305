"""Checkpoint format for the emotion model: weights plus the metadata needed to use them correctly."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import platform
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torchvision
from torch import nn

from ml.digest import file_sha256
from ml.model import ARCHS, build_model

FORMAT = "museum_guide.emotion_model/2"
# Format 1 checkpoints expected input preprocessing that this code no longer performs: they are refused
# with a message that says so, instead of being run on inputs they were not trained for.
_OBSOLETE_FORMATS = {"museum_guide.emotion_model/1": "format 1 (before 2026-12-01)"}
_ARCH_OPTION_KEYS = frozenset({"width_mult", "depth_mult", "stem_stride", "stochastic_depth_prob"})


class CheckpointError(Exception):
    """A checkpoint is missing, unreadable, corrupt, or does not match what the caller expects."""


def library_versions() -> dict[str, str]:
    """Versions of the libraries that produced a checkpoint (for reproducibility reports)."""
    return {
        "python": platform.python_version(),
        # str(): torch.__version__ is a TorchVersion object, which torch.load(weights_only=True) refuses.
        "torch": str(torch.__version__),
        "torchvision": str(torchvision.__version__),
        "numpy": str(np.__version__),
    }


@dataclass(frozen=True)
class ModelMeta:
    """Everything needed to rebuild a model and feed it correctly preprocessed faces."""

    arch: str
    labels: tuple[str, ...]
    input_size: int
    grayscale: bool
    mean: tuple[float, ...]
    std: tuple[float, ...]
    dropout: float = 0.2
    # Softmax temperature fitted on validation data (logits / T), so that stated confidences are calibrated.
    temperature: float = 1.0
    arch_options: Mapping[str, float | int] = field(default_factory=dict)
    metrics: Mapping[str, float] = field(default_factory=dict)
    versions: Mapping[str, str] = field(default_factory=library_versions)
    weights_dtype: str = "float32"
    weights_sha256: str = ""
    created_at: str = ""

    def __post_init__(self) -> None:
        # Normalise sequences so that metadata read back from disk compares equal to the original.
        object.__setattr__(self, "labels", tuple(self.labels))
        object.__setattr__(self, "mean", tuple(float(v) for v in self.mean))
        object.__setattr__(self, "std", tuple(float(v) for v in self.std))
        object.__setattr__(self, "arch_options", dict(self.arch_options))
        object.__setattr__(self, "metrics", {k: float(v) for k, v in self.metrics.items()})
        object.__setattr__(self, "versions", {str(k): str(v) for k, v in self.versions.items()})
        self.validate()

    @property
    def version(self) -> str:
        """Short model identifier stored with every emotion event, e.g. efficientnet_v2_b0-1a2b3c4d5e6f."""
        return f"{self.arch}-{self.weights_sha256[:12] or 'unsaved'}"

    @property
    def in_channels(self) -> int:
        """Number of input channels the model expects."""
        return 1 if self.grayscale else 3

    def validate(self) -> None:
        """Raise CheckpointError when the metadata is inconsistent."""
        if self.arch not in ARCHS:
            raise CheckpointError(f"unknown arch {self.arch!r} (known: {', '.join(ARCHS)})")
        if len(self.labels) < 2:
            raise CheckpointError(f"a model needs at least 2 labels, got {list(self.labels)}")
        if any(not isinstance(label, str) or not label.strip() for label in self.labels):
            raise CheckpointError(f"labels must be non-empty strings, got {list(self.labels)}")
        if len(set(self.labels)) != len(self.labels):
            raise CheckpointError(f"labels must be unique, got {list(self.labels)}")
        if not 8 <= self.input_size <= 1024:
            raise CheckpointError(f"input_size must be between 8 and 1024, got {self.input_size}")
        if len(self.mean) != self.in_channels or len(self.std) != self.in_channels:
            raise CheckpointError(
                f"mean/std need {self.in_channels} value(s) for grayscale={self.grayscale}, "
                f"got mean={list(self.mean)} std={list(self.std)}"
            )
        if any(s <= 0 for s in self.std):
            raise CheckpointError(f"std values must be positive, got {list(self.std)}")
        if not 0.05 <= self.temperature <= 20.0:
            raise CheckpointError(f"temperature must be between 0.05 and 20, got {self.temperature}")
        unknown = set(self.arch_options) - _ARCH_OPTION_KEYS
        if unknown:
            raise CheckpointError(f"unknown arch_options {sorted(unknown)}")
        if self.weights_dtype not in ("float32", "float16"):
            raise CheckpointError(f"weights_dtype must be float32 or float16, got {self.weights_dtype!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain-Python form (lists, dicts, str, numbers) that torch.load(weights_only=True) accepts."""
        data = dataclasses.asdict(self)
        data["labels"] = list(self.labels)
        data["mean"] = list(self.mean)
        data["std"] = list(self.std)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelMeta:
        """Inverse of to_dict; unknown keys are rejected so that typos do not pass silently."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise CheckpointError(f"unknown metadata fields {sorted(unknown)}")
        missing = {"arch", "labels", "input_size", "grayscale", "mean", "std"} - set(data)
        if missing:
            raise CheckpointError(f"metadata lacks required fields {sorted(missing)}")
        try:
            return cls(**dict(data))
        except (TypeError, ValueError) as exc:
            raise CheckpointError(f"invalid metadata: {exc}") from exc


def weights_sha256(state_dict: Mapping[str, torch.Tensor]) -> str:
    """SHA-256 over parameter names, dtypes, shapes and bytes, independent of the file's zip layout."""
    digest = hashlib.sha256()
    for name in sorted(state_dict):
        tensor = state_dict[name].detach().cpu().contiguous()
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}\n".encode())
        digest.update(tensor.view(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
    return digest.hexdigest()


def build_from_meta(meta: ModelMeta) -> nn.Module:
    """Instantiate the (untrained) network described by the metadata."""
    options = dict(meta.arch_options)
    return build_model(
        meta.arch,
        len(meta.labels),
        meta.dropout,
        in_channels=meta.in_channels,
        width_mult=float(options.get("width_mult", 1.0)),
        depth_mult=float(options.get("depth_mult", 1.0)),
        stem_stride=int(options.get("stem_stride", 2)),
        stochastic_depth_prob=float(options.get("stochastic_depth_prob", 0.2)),
    )


def _atomic_save(obj: Any, path: Path) -> None:
    """Write via a temporary file and rename, so readers never see a half-written checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        torch.save(obj, tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; checkpoints are meant to be shared read-only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_checkpoint(
    path: str | os.PathLike[str], model: nn.Module, meta: ModelMeta, *, half: bool = False
) -> ModelMeta:
    """Save weights and metadata; returns the metadata with weights_sha256 (and dtype) filled in."""
    dtype = torch.float16 if half else torch.float32
    state = {
        k: (v.detach().cpu().to(dtype) if v.is_floating_point() else v.detach().cpu()).clone()
        for k, v in model.state_dict().items()
    }
    meta = dataclasses.replace(meta, weights_sha256=weights_sha256(state), weights_dtype=str(dtype).split(".")[-1])
    _atomic_save({"format": FORMAT, "meta": meta.to_dict(), "state_dict": state}, Path(path))
    return meta


def write_sha256_sidecar(path: str | os.PathLike[str]) -> Path:
    """Write `<file>.sha256` in `sha256sum -c` format next to an exported checkpoint."""
    path = Path(path)
    sidecar = path.with_name(path.name + ".sha256")
    sidecar.write_text(f"{file_sha256(path)}  {path.name}\n")
    return sidecar


def _read(path: Path) -> Any:
    if not path.exists():
        raise CheckpointError(f"checkpoint not found: {path}")
    if not path.is_file():
        raise CheckpointError(f"checkpoint path is not a file: {path}")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, zipfile.BadZipFile, EOFError, RuntimeError, ValueError, OSError) as exc:
        raise CheckpointError(f"checkpoint {path} is corrupt or not a model checkpoint: {exc}") from exc


def read_meta(path: str | os.PathLike[str]) -> ModelMeta:
    """Read and validate only the metadata of a checkpoint."""
    meta, _ = _read_payload(Path(path))
    return meta


def _read_payload(path: Path) -> tuple[ModelMeta, dict[str, torch.Tensor]]:
    payload = _read(path)
    if isinstance(payload, dict) and payload.get("format") in _OBSOLETE_FORMATS:
        raise CheckpointError(
            f"{path} is an obsolete emotion checkpoint ({_OBSOLETE_FORMATS[payload['format']]}): its model expects "
            f"preprocessing this version no longer applies; retrain it with python -m training.train"
        )
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        found = payload.get("format") if isinstance(payload, dict) else type(payload).__name__
        raise CheckpointError(f"{path} is not a museum_guide emotion checkpoint (format {found!r}, want {FORMAT!r})")
    meta_data, state = payload.get("meta"), payload.get("state_dict")
    if not isinstance(meta_data, dict) or not isinstance(state, dict):
        raise CheckpointError(f"{path} lacks its metadata or weights")
    try:
        meta = ModelMeta.from_dict(meta_data)
    except CheckpointError as exc:
        raise CheckpointError(f"{path}: {exc}") from exc
    return meta, state


def load_checkpoint(
    path: str | os.PathLike[str], *, expected_labels: Sequence[str] | None = None
) -> tuple[nn.Module, ModelMeta]:
    """Load a checkpoint on CPU, verify its integrity and return (model in eval mode, float32; metadata)."""
    path = Path(path)
    meta, state = _read_payload(path)
    if expected_labels is not None and tuple(expected_labels) != meta.labels:
        raise CheckpointError(
            f"{path} has labels {list(meta.labels)} but {list(expected_labels)} were expected (same order)"
        )
    actual = weights_sha256(state)
    if actual != meta.weights_sha256:
        raise CheckpointError(
            f"{path} is corrupt: weights sha256 {actual[:12]} does not match metadata {meta.weights_sha256[:12]}"
        )
    model = build_from_meta(meta)
    state = {k: v.float() if v.is_floating_point() else v for k, v in state.items()}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise CheckpointError(f"{path}: weights do not fit {meta.arch} with {len(meta.labels)} labels: {exc}") from exc
    model.eval()
    return model, meta


def describe(meta: ModelMeta) -> str:
    """One-line human summary of a checkpoint (used by CLIs and logs)."""
    acc = meta.metrics.get("val_accuracy")
    acc_text = f", val acc {acc:.4f}" if acc is not None else ""
    mode = "gray" if meta.grayscale else "rgb"
    return f"{meta.version} ({mode} {meta.input_size}px, {len(meta.labels)} labels{acc_text})"


__all__ = [
    "FORMAT",
    "CheckpointError",
    "ModelMeta",
    "build_from_meta",
    "describe",
    "file_sha256",
    "library_versions",
    "load_checkpoint",
    "read_meta",
    "save_checkpoint",
    "weights_sha256",
    "write_sha256_sidecar",
]
