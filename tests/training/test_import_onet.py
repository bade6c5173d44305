"""training.import_onet: MTCNN's ONet state dict -> the ONNX file the face stage loads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime
import torch

from ml.faces import DEFAULT_VERIFIER
from training.import_onet import ONet, main


def test_a_state_dict_converts_to_onnx_that_matches_torch(tmp_path: Path) -> None:
    torch.manual_seed(0)
    weights = tmp_path / "onet.pt"
    torch.save(ONet().state_dict(), weights)
    out = tmp_path / "onet.onnx"

    assert main(["--weights", str(weights), "--out", str(out)]) == 0

    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    batch = np.random.default_rng(0).uniform(-1, 1, (3, 3, 48, 48)).astype(np.float32)
    (probabilities,) = session.run(None, {"input": batch})
    assert probabilities.shape == (3,) and np.all((probabilities >= 0) & (probabilities <= 1))


def test_the_shipped_verifier_takes_a_batch_of_48_pixel_rgb_squares() -> None:
    session = onnxruntime.InferenceSession(str(DEFAULT_VERIFIER), providers=["CPUExecutionProvider"])
    (shape,) = [tuple(i.shape) for i in session.get_inputs()]
    assert shape[1:] == (3, 48, 48)
    (probabilities,) = session.run(None, {"input": np.zeros((2, 3, 48, 48), np.float32)})
    assert probabilities.shape == (2,) and probabilities.max() < 0.5  # a flat grey square is no face
