"""ml.export and ml.onnx_classifier: the ONNX file the server runs and phones download, and its manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from skimage import data as skdata

from ml.checkpoint import save_checkpoint
from ml.digest import file_sha256
from ml.export import MANIFEST_NAME, ensure_export, find_export
from ml.faces import DEFAULT_DETECTOR, DEFAULT_VERIFIER
from ml.inference import EmotionClassifier
from ml.onnx_classifier import OnnxEmotionClassifier
from tests.ml.conftest import tiny_meta, tiny_model

SHIPPED = Path(__file__).resolve().parents[2] / "ml" / "weights" / "emotion_model.pt"


def face_like_crops(n: int, seed: int = 0) -> list[NDArray[Any]]:
    """Varied RGB crops: the astronaut's face shifted, scaled, lit and mirrored, and patches of other photos."""
    rng = np.random.default_rng(seed)
    astronaut = skdata.astronaut()
    others = [skdata.chelsea(), skdata.coffee(), skdata.rocket(), cv2.cvtColor(skdata.camera(), cv2.COLOR_GRAY2RGB)]
    crops = []
    for i in range(n):
        if i % 3:
            side = int(rng.integers(90, 200))
            x, y = int(rng.integers(120, 200)), int(rng.integers(10, 80))
            crop = astronaut[y : y + side, x : x + side].astype(np.float32)
            crop = crop * rng.uniform(0.5, 1.4) + rng.uniform(-30, 30)
            if rng.random() < 0.5:
                crop = crop[:, ::-1]
        else:
            image = others[int(rng.integers(len(others)))]
            side = int(rng.integers(40, min(image.shape[:2])))
            y, x = int(rng.integers(0, image.shape[0] - side)), int(rng.integers(0, image.shape[1] - side))
            crop = image[y : y + side, x : x + side].astype(np.float32)
        crops.append(np.ascontiguousarray(np.clip(crop, 0, 255).astype(np.uint8)))
    return crops


@pytest.fixture(scope="module")
def shipped_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_export(SHIPPED, tmp_path_factory.mktemp("models"), DEFAULT_DETECTOR)


@pytest.mark.parametrize("tta", [False, True])
def test_the_export_reads_faces_as_the_torch_model_does(shipped_export: Path, tta: bool) -> None:
    crops = face_like_crops(1000)
    reference = EmotionClassifier.from_checkpoint(SHIPPED, num_threads=1, tta=tta).predict_proba(crops)
    exported = OnnxEmotionClassifier.from_folder(shipped_export, num_threads=1, tta=tta).predict_proba(crops)

    assert float(np.abs(reference - exported).max()) <= 1e-4
    assert float((reference.argmax(axis=1) == exported.argmax(axis=1)).mean()) >= 0.999
    assert np.allclose(exported.sum(axis=1), 1.0, atol=1e-5)


def test_the_manifest_states_the_input_contract_and_the_files_checksums(shipped_export: Path) -> None:
    manifest = json.loads((shipped_export / MANIFEST_NAME).read_text())
    reference = EmotionClassifier.from_checkpoint(SHIPPED)

    assert manifest["model_version"] == reference.version == shipped_export.name
    assert manifest["labels"] == list(reference.labels)
    assert manifest["temperature"] == reference.meta.temperature
    assert manifest["inputs"]["pixels"]["shape"] == ["batch", 1, reference.meta.input_size, reference.meta.input_size]
    assert manifest["preprocessing"]["mean"] == list(reference.meta.mean)
    assert manifest["classifier"]["opset"] == 18
    assert manifest["face_crop"]["margin"] == 0.0
    for entry in (manifest["classifier"], manifest["detector"], manifest["verifier"]):
        path = shipped_export / entry["file"]
        assert (file_sha256(path), path.stat().st_size) == (entry["sha256"], entry["bytes"])
    assert manifest["detector"]["sha256"] == file_sha256(DEFAULT_DETECTOR)
    assert manifest["verifier"]["sha256"] == file_sha256(DEFAULT_VERIFIER)
    # Self-contained: no weights in a side file that a phone downloading the listed files would miss.
    listed = {manifest["classifier"]["file"], manifest["detector"]["file"], manifest["verifier"]["file"], MANIFEST_NAME}
    assert {path.name for path in shipped_export.iterdir()} == listed
    assert manifest["source_checkpoint"]["sha256"] == file_sha256(SHIPPED)


def test_a_current_export_is_reused_and_a_changed_checkpoint_is_exported_again(tmp_path: Path) -> None:
    checkpoint, out = tmp_path / "model.pt", tmp_path / "models"
    meta = tiny_meta()
    save_checkpoint(checkpoint, tiny_model(meta), meta)
    first = ensure_export(checkpoint, out, DEFAULT_DETECTOR)
    written = (first / "emotion_model.onnx").stat().st_mtime_ns

    assert ensure_export(checkpoint, out, DEFAULT_DETECTOR) == first
    assert (first / "emotion_model.onnx").stat().st_mtime_ns == written

    model = tiny_model(meta)
    for parameter in model.parameters():
        parameter.data.add_(0.01)
    save_checkpoint(checkpoint, model, meta)
    assert find_export(checkpoint, out) is None
    second = ensure_export(checkpoint, out, DEFAULT_DETECTOR)
    assert second != first and (second / MANIFEST_NAME).is_file()


def test_an_altered_export_file_is_not_trusted(tmp_path: Path) -> None:
    checkpoint = tmp_path / "model.pt"
    meta = tiny_meta()
    save_checkpoint(checkpoint, tiny_model(meta), meta)
    folder = ensure_export(checkpoint, tmp_path / "models", DEFAULT_DETECTOR)
    with open(folder / "emotion_model.onnx", "ab") as handle:
        handle.write(b"tampered")

    assert find_export(checkpoint, tmp_path / "models") is None
    again = ensure_export(checkpoint, tmp_path / "models", DEFAULT_DETECTOR)
    assert OnnxEmotionClassifier.from_folder(again).predict(face_like_crops(2))[0].label in meta.labels
