"""Checkpoint round trip, integrity checks and every loading error."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
import torch

from ml.checkpoint import (
    CheckpointError,
    ModelMeta,
    load_checkpoint,
    read_meta,
    save_checkpoint,
    write_sha256_sidecar,
)
from tests.ml.conftest import FER_LABELS, tiny_meta, tiny_model


def test_a_saved_checkpoint_loads_back_with_identical_outputs_and_metadata(tmp_path: Path) -> None:
    meta = tiny_meta()
    model = tiny_model(meta)
    x = torch.randn(2, 1, 32, 32)
    with torch.no_grad():
        expected = model(x)

    saved = save_checkpoint(tmp_path / "m.pt", model, meta)
    loaded, loaded_meta = load_checkpoint(tmp_path / "m.pt")

    assert loaded_meta == saved
    assert loaded_meta.labels == FER_LABELS
    assert len(saved.weights_sha256) == 64
    assert saved.version == f"efficientnet_v2_b0-{saved.weights_sha256[:12]}"
    assert not loaded.training
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), expected)


def test_metadata_records_versions_input_size_and_normalisation(checkpoint_path: Path) -> None:
    meta = read_meta(checkpoint_path)

    assert meta.input_size == 32 and meta.grayscale
    assert meta.mean == (0.5,) and meta.std == (0.25,)
    assert {"torch", "torchvision", "numpy", "python"} <= set(meta.versions)
    assert meta.metrics["val_accuracy"] == 0.5


def test_a_half_precision_checkpoint_loads_as_float32_with_close_outputs(tmp_path: Path) -> None:
    meta = tiny_meta()
    model = tiny_model(meta)
    x = torch.randn(2, 1, 32, 32)
    with torch.no_grad():
        expected = model(x)

    saved = save_checkpoint(tmp_path / "half.pt", model, meta, half=True)
    loaded, _ = load_checkpoint(tmp_path / "half.pt")

    assert saved.weights_dtype == "float16"
    assert all(p.dtype == torch.float32 for p in loaded.parameters())
    with torch.no_grad():
        torch.testing.assert_close(loaded(x), expected, atol=2e-2, rtol=2e-2)


def test_the_sha256_sidecar_matches_the_file(checkpoint_path: Path) -> None:
    sidecar = write_sha256_sidecar(checkpoint_path)

    digest, name = sidecar.read_text().split()
    assert name == checkpoint_path.name
    assert digest == hashlib.sha256(checkpoint_path.read_bytes()).hexdigest()


def test_it_rejects_a_missing_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="not found"):
        load_checkpoint(tmp_path / "nope.pt")


def test_it_rejects_a_truncated_checkpoint(checkpoint_path: Path) -> None:
    data = checkpoint_path.read_bytes()
    checkpoint_path.write_bytes(data[: len(data) // 2])

    with pytest.raises(CheckpointError, match="corrupt"):
        load_checkpoint(checkpoint_path)


def test_it_rejects_a_file_that_is_not_a_checkpoint_at_all(tmp_path: Path) -> None:
    path = tmp_path / "photo.pt"
    path.write_bytes(b"\xff\xd8\xff\xe0 definitely a jpeg")

    with pytest.raises(CheckpointError, match="corrupt or not a model checkpoint"):
        load_checkpoint(path)


def test_it_rejects_a_bare_state_dict_without_metadata(tmp_path: Path) -> None:
    path = tmp_path / "bare.pt"
    torch.save(tiny_model(tiny_meta()).state_dict(), path)

    with pytest.raises(CheckpointError, match="not a museum_guide emotion checkpoint"):
        load_checkpoint(path)


def test_it_rejects_weights_that_were_changed_after_saving(checkpoint_path: Path) -> None:
    payload = torch.load(checkpoint_path, weights_only=True)
    name = next(k for k, v in payload["state_dict"].items() if v.is_floating_point())
    payload["state_dict"][name] += 1.0
    torch.save(payload, checkpoint_path)

    with pytest.raises(CheckpointError, match="sha256 .* does not match"):
        load_checkpoint(checkpoint_path)


def test_it_rejects_a_checkpoint_with_mismatched_labels(checkpoint_path: Path) -> None:
    reordered = ("happy", *[label for label in FER_LABELS if label != "happy"])

    with pytest.raises(CheckpointError, match="were expected"):
        load_checkpoint(checkpoint_path, expected_labels=reordered)


def test_it_accepts_the_expected_labels_in_the_same_order(checkpoint_path: Path) -> None:
    _, meta = load_checkpoint(checkpoint_path, expected_labels=FER_LABELS)

    assert meta.labels == FER_LABELS


def test_it_rejects_weights_that_do_not_fit_the_declared_architecture(tmp_path: Path) -> None:
    meta = tiny_meta()
    saved = save_checkpoint(tmp_path / "m.pt", tiny_model(meta), meta)
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    # Claim five labels while the head has seven outputs; keep the sha consistent so only the shape is wrong.
    payload["meta"]["labels"] = list(FER_LABELS[:5])
    torch.save(payload, tmp_path / "m.pt")
    assert saved.weights_sha256 == payload["meta"]["weights_sha256"]

    with pytest.raises(CheckpointError, match="do not fit"):
        load_checkpoint(tmp_path / "m.pt")


def test_it_rejects_metadata_with_unknown_fields(checkpoint_path: Path) -> None:
    payload = torch.load(checkpoint_path, weights_only=True)
    payload["meta"]["colour_space"] = "BGR"
    torch.save(payload, checkpoint_path)

    with pytest.raises(CheckpointError, match="unknown metadata fields"):
        load_checkpoint(checkpoint_path)


def test_it_refuses_a_checkpoint_of_the_obsolete_first_format_with_a_clear_message(checkpoint_path: Path) -> None:
    # Format 1 models expected their inputs preprocessed in a way this version no longer does: running
    # one on today's inputs would quietly give wrong readings.
    payload = torch.load(checkpoint_path, weights_only=True)
    payload["format"] = "museum_guide.emotion_model/1"
    torch.save(payload, checkpoint_path)

    with pytest.raises(CheckpointError, match="obsolete emotion checkpoint.*retrain"):
        load_checkpoint(checkpoint_path)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"labels": ("happy", "happy", "sad")}, "unique"),
        ({"labels": ("happy",)}, "at least 2"),
        ({"labels": ("happy", "")}, "non-empty"),
        ({"arch": "resnet50"}, "unknown arch"),
        ({"mean": (0.5, 0.5, 0.5)}, "mean/std need 1"),
        ({"grayscale": False}, "mean/std need 3"),
        ({"std": (0.0,)}, "positive"),
        ({"input_size": 4}, "input_size"),
        ({"arch_options": {"width": 2}}, "unknown arch_options"),
    ],
)
def test_it_rejects_inconsistent_metadata(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        tiny_meta(**overrides)


def test_metadata_survives_a_round_trip_through_plain_python() -> None:
    meta = dataclasses.replace(tiny_meta(), weights_sha256="ab" * 32)

    assert ModelMeta.from_dict(meta.to_dict()) == meta
