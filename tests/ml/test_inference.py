"""EmotionClassifier: channel order, preprocessing, batching, probabilities and test-time augmentation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from ml.checkpoint import CheckpointError, ModelMeta
from ml.inference import EmotionClassifier
from ml.preprocess import to_model_pixels
from tests.ml.conftest import FER_LABELS


class ChannelMeans(nn.Module):
    """Logits = mean of each input channel: a colour model with known weights."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3)) * 10


class Brightness(nn.Module):
    """Logits = (+mean, -mean) of the single gray channel."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        m = x.mean(dim=(1, 2, 3))
        return torch.stack([m, -m], dim=1) * 10


class LeftMinusRight(nn.Module):
    """Logits = (left half - right half, 0): sensitive to horizontal flips."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = x.shape[-1] // 2
        d = x[..., :w].mean(dim=(1, 2, 3)) - x[..., w:].mean(dim=(1, 2, 3))
        return torch.stack([d, torch.zeros_like(d)], dim=1) * 10


def _meta(labels: tuple[str, ...], grayscale: bool, mean: float = 0.0) -> ModelMeta:
    channels = 1 if grayscale else 3
    return ModelMeta(
        arch="efficientnet_v2_b0",
        labels=labels,
        input_size=16,
        grayscale=grayscale,
        mean=(mean,) * channels,
        std=(1.0,) * channels,
    )


def _solid(rgb: tuple[int, int, int], size: int = 40) -> np.ndarray:
    return np.broadcast_to(np.array(rgb, dtype=np.uint8), (size, size, 3)).copy()


RED, BLUE = _solid((255, 0, 0)), _solid((0, 0, 255))


def test_a_colour_model_sees_red_as_red_not_blue() -> None:
    classifier = EmotionClassifier(ChannelMeans(), _meta(("red", "green", "blue"), grayscale=False))

    red, blue = classifier.predict([RED, BLUE])

    assert (red.label, blue.label) == ("red", "blue")


def test_grayscale_conversion_weights_red_more_than_blue_as_for_rgb_input() -> None:
    # ITU-R 601 luma: 0.299 R + 0.587 G + 0.114 B; swapping R and B would give 29 for red.
    assert to_model_pixels(RED, 16, grayscale=True)[0, 0, 0] == 76
    assert to_model_pixels(BLUE, 16, grayscale=True)[0, 0, 0] == 29


def test_a_grayscale_model_fails_if_red_and_blue_are_swapped() -> None:
    # Threshold between the luma of pure blue (29/255) and pure red (76/255).
    classifier = EmotionClassifier(Brightness(), _meta(("bright", "dark"), grayscale=True, mean=0.2))

    red, blue = classifier.predict([RED, BLUE])

    assert (red.label, blue.label) == ("bright", "dark")


def test_scores_are_probabilities_over_all_labels_that_sum_to_one() -> None:
    classifier = EmotionClassifier(ChannelMeans(), _meta(("red", "green", "blue"), grayscale=False))

    (prediction,) = classifier.predict([_solid((200, 100, 50))])

    assert set(prediction.scores) == {"red", "green", "blue"}
    assert sum(prediction.scores.values()) == pytest.approx(1.0)
    assert prediction.confidence == max(prediction.scores.values())
    assert prediction.label == "red"


def test_predictions_come_back_in_order_whatever_the_batch_size() -> None:
    images = [_solid((i * 40, 255 - i * 40, 100)) for i in range(7)]
    one_by_one = EmotionClassifier(ChannelMeans(), _meta(("r", "g", "b"), False), batch_size=1).predict(images)
    batched = EmotionClassifier(ChannelMeans(), _meta(("r", "g", "b"), False), batch_size=3).predict(images)

    assert [p.label for p in batched] == [p.label for p in one_by_one]
    for a, b in zip(batched, one_by_one, strict=True):
        assert a.confidence == pytest.approx(b.confidence, abs=1e-6)


def test_an_empty_list_gives_no_predictions() -> None:
    assert EmotionClassifier(ChannelMeans(), _meta(("r", "g", "b"), False)).predict([]) == []


def test_a_non_square_crop_is_centre_cropped_not_stretched() -> None:
    wide = np.zeros((40, 80, 3), dtype=np.uint8)
    wide[:, 20:60] = 255  # the central 40x40 square is white, the sides black

    pixels = to_model_pixels(wide, 16, grayscale=True)

    assert pixels.min() == 255


def test_the_stored_temperature_softens_confidence_without_changing_the_label() -> None:
    image = np.zeros((32, 32, 3), dtype=np.uint8)
    image[:, :16] = 255  # bright on the left: LeftMinusRight gives a large "left" logit
    meta = _meta(("left", "other"), grayscale=True)
    hot = ModelMeta(**{**meta.to_dict(), "temperature": 4.0})

    plain = EmotionClassifier(LeftMinusRight(), meta).predict([image])[0]
    softened = EmotionClassifier(LeftMinusRight(), hot).predict([image])[0]

    assert softened.label == plain.label == "left"
    assert 0.5 < softened.confidence < plain.confidence
    assert sum(softened.scores.values()) == pytest.approx(1.0)


def test_a_temperature_outside_a_sane_range_is_rejected() -> None:
    with pytest.raises(CheckpointError, match="temperature"):
        ModelMeta(**{**_meta(("a", "b"), grayscale=True).to_dict(), "temperature": 0.0})


def test_flip_test_time_augmentation_averages_the_mirrored_face() -> None:
    image = np.zeros((32, 32, 3), dtype=np.uint8)
    image[:, :16] = 255  # bright on the left
    meta = _meta(("left", "other"), grayscale=True)

    plain = EmotionClassifier(LeftMinusRight(), meta).predict([image])[0]
    tta = EmotionClassifier(LeftMinusRight(), meta, tta=True).predict([image])[0]

    assert plain.label == "left" and plain.confidence > 0.9
    assert tta.scores["left"] == pytest.approx(0.5, abs=1e-3)


def test_it_loads_a_real_checkpoint_and_classifies_rgb_faces(checkpoint_path: Path) -> None:
    classifier = EmotionClassifier.from_checkpoint(checkpoint_path, num_threads=1)

    predictions = classifier.predict([_solid((120, 90, 60), 64), RED])

    assert classifier.labels == FER_LABELS
    assert classifier.version.startswith("efficientnet_v2_b0-")
    assert [p.label in FER_LABELS for p in predictions] == [True, True]
    assert torch.get_num_threads() == 1


def test_loading_a_missing_checkpoint_raises_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="not found"):
        EmotionClassifier.from_checkpoint(tmp_path / "missing.pt")
