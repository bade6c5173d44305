"""Pieces of the training pipeline: loss on logits, decoding, statistics, augmentation, schedule."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from training.augment import AugmentConfig, augment_batch, random_affine
from training.data import channel_stats, decode_image, load_image_folder
from training.metrics import calibration_metrics
from training.train import RunClock, Schedule, class_weights, evaluate, train_one_epoch

NO_AUG = AugmentConfig(rotation_deg=0, scale=0, translate=0, shear_deg=0, brightness=0, contrast=0, hflip=False)


class FixedLogits(nn.Module):
    """Returns the same trainable logits for every image."""

    def __init__(self) -> None:
        super().__init__()
        self.logits = nn.Parameter(torch.tensor([2.0, -1.0, 0.5]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.logits.expand(x.shape[0], -1) + 0 * x.mean()


class RecordingLoss(nn.CrossEntropyLoss):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[torch.Tensor] = []

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        self.inputs.append(input.detach().clone())
        return super().forward(input, target)


def _loader(n: int = 6) -> list[tuple[torch.Tensor, torch.Tensor]]:
    images = torch.randint(0, 255, (n, 1, 8, 8), dtype=torch.uint8)
    return [(images, torch.arange(n) % 3)]


def test_the_loss_receives_raw_logits_not_softmax_probabilities() -> None:
    model, loss = FixedLogits(), RecordingLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)

    train_one_epoch(
        model, loss, optimizer, _loader(),
        device=torch.device("cpu"), epoch=1, step=0,
        schedule=Schedule(base_lr=0.0, warmup_steps=1, total_steps=1, min_lr_ratio=0.0),
        clock=RunClock(elapsed_before=0.0, started=0.0, limit_s=None),
        mean=torch.zeros(1, 1, 1, 1), std=torch.ones(1, 1, 1, 1), aug=NO_AUG,
        gen=torch.Generator().manual_seed(0), scaler=torch.amp.GradScaler("cpu", enabled=False), amp_dtype=None,
    )  # fmt: skip

    (received,) = loss.inputs
    torch.testing.assert_close(received[0], torch.tensor([2.0, -1.0, 0.5]))


def test_the_validation_loss_is_cross_entropy_of_the_logits() -> None:
    model = FixedLogits()
    images, targets = _loader()[0]

    result = evaluate(
        model, _loader(), device=torch.device("cpu"), mean=torch.zeros(1, 1, 1, 1), std=torch.ones(1, 1, 1, 1),
        labels=("a", "b", "c"),
    )  # fmt: skip

    expected = F.cross_entropy(model(images.float()), targets).item()
    assert result["loss"] == pytest.approx(expected, rel=1e-5)
    assert result["accuracy"] == pytest.approx(1 / 3)


def test_images_are_decoded_as_rgb_not_opencv_bgr(tmp_path: Path) -> None:
    red = np.zeros((20, 20, 3), dtype=np.uint8)
    red[..., 2] = 255  # OpenCV writes BGR: channel 2 is red
    cv2.imwrite(str(tmp_path / "red.png"), red)

    pixels = decode_image(tmp_path / "red.png", 16, grayscale=False)

    assert pixels[0, 0].tolist() == [255, 0, 0]
    assert decode_image(tmp_path / "red.png", 16, grayscale=True)[0, 0, 0] == 76


def test_decoded_images_are_cached_and_reused(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / "data" / name).mkdir(parents=True)
        cv2.imwrite(str(tmp_path / "data" / name / "x.png"), np.full((10, 10, 3), 100, np.uint8))
    cache = tmp_path / "cache"

    first = load_image_folder(tmp_path / "data", 8, True, cache)
    second = load_image_folder(tmp_path / "data", 8, True, cache)

    assert len(list(cache.glob("*.npy"))) == 1
    np.testing.assert_array_equal(first.images, second.images)
    assert first.classes == ("a", "b") and first.targets.tolist() == [0, 1]


def test_normalisation_statistics_are_those_of_the_training_pixels() -> None:
    images = np.array([[[[0]], [[255]]]], dtype=np.uint8).reshape(1, 2, 1, 1)

    mean, std = channel_stats(images)

    assert mean == pytest.approx((0.5,))
    assert std[0] == pytest.approx(np.std([0.0, 1.0], ddof=1))


def test_class_weights_favour_rare_classes_and_average_to_one() -> None:
    counts = np.array([100, 10, 50])

    w = class_weights(counts, power=0.5).numpy()

    assert w[1] > w[2] > w[0]
    assert float((w * counts).sum() / counts.sum()) == pytest.approx(1.0)


def test_augmentation_with_every_range_at_zero_leaves_images_unchanged() -> None:
    x = torch.rand(4, 1, 16, 16)

    out = augment_batch(x, NO_AUG, torch.Generator().manual_seed(0))

    torch.testing.assert_close(out, x, atol=1e-5, rtol=0)


def test_flip_only_augmentation_mirrors_about_half_of_the_batch() -> None:
    x = torch.rand(64, 1, 8, 8)
    cfg = AugmentConfig(rotation_deg=0, scale=0, translate=0, shear_deg=0, brightness=0, contrast=0, hflip=True)

    out = random_affine(x, cfg, torch.Generator().manual_seed(0))

    flipped = [torch.allclose(o, torch.flip(i, dims=[2]), atol=1e-5) for o, i in zip(out, x, strict=True)]
    same = [torch.allclose(o, i, atol=1e-5) for o, i in zip(out, x, strict=True)]
    assert all(f or s for f, s in zip(flipped, same, strict=True))
    assert 16 < sum(flipped) < 48


def test_the_schedule_warms_up_then_decays_to_the_floor() -> None:
    s = Schedule(base_lr=1.0, warmup_steps=10, total_steps=110, min_lr_ratio=0.01)

    assert s.lr(0, 0.0) == pytest.approx(0.1)
    assert s.lr(9, 0.0) == pytest.approx(1.0)
    assert s.lr(60, 0.0) == pytest.approx(0.505)
    assert s.lr(110, 0.0) == pytest.approx(0.01)


def test_with_a_time_budget_the_schedule_anneals_by_the_deadline() -> None:
    s = Schedule(base_lr=1.0, warmup_steps=1, total_steps=1000, min_lr_ratio=0.0, time_budget_s=100.0)

    assert s.lr(10, 50.0) == pytest.approx(0.5)
    assert s.lr(10, 100.0) == pytest.approx(0.0)


def test_a_model_that_is_exactly_as_sure_as_it_is_right_has_no_calibration_error() -> None:
    # Ten predictions at 0.8 confidence of which eight are right: perfectly calibrated.
    probs = np.tile(np.array([[0.8, 0.2]]), (10, 1))
    y_true = np.array([0] * 8 + [1] * 2)

    assert calibration_metrics(probs, y_true)["ece"] == pytest.approx(0.0)


def test_an_overconfident_model_has_a_calibration_error_of_the_gap() -> None:
    # Always 0.9 sure, right half of the time: ECE = |0.5 - 0.9| = 0.4.
    probs = np.tile(np.array([[0.9, 0.1]]), (10, 1))
    y_true = np.array([0, 1] * 5)

    result = calibration_metrics(probs, y_true)
    assert result["ece"] == pytest.approx(0.4)
    assert result["bins"] == [{"low": pytest.approx(13 / 15), "high": pytest.approx(14 / 15), "n": 10,
                               "accuracy": 0.5, "confidence": pytest.approx(0.9)}]  # fmt: skip
