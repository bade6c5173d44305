"""build_model: architectures, input channels, logits head, and no downloads of ImageNet weights."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
import torch
from torch import nn

from ml.model import ARCHS, PretrainedWeightsUnavailableError, build_model


def test_it_offers_the_four_efficientnet_v2_variants() -> None:
    assert ARCHS == ("efficientnet_v2_b0", "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l")


@pytest.mark.parametrize("arch", ARCHS)
def test_every_variant_ends_in_a_dropout_then_linear_head_sized_for_the_labels(arch: str) -> None:
    model = build_model(arch, 7, dropout=0.3)

    head = model.classifier
    assert isinstance(head, nn.Sequential)
    assert isinstance(head[0], nn.Dropout) and head[0].p == 0.3
    assert isinstance(head[1], nn.Linear) and head[1].out_features == 7


def test_the_compact_b0_returns_raw_logits_for_a_grayscale_batch() -> None:
    torch.manual_seed(0)
    model = build_model("efficientnet_v2_b0", 7, in_channels=1).train()

    logits = model(torch.randn(4, 1, 48, 48))

    assert logits.shape == (4, 7)
    # Logits, not probabilities: rows do not sum to one and can be negative.
    assert not torch.allclose(logits.sum(1), torch.ones(4), atol=1e-3)
    assert (logits < 0).any()


def test_the_b0_follows_the_paper_stage_layout() -> None:
    model = build_model("efficientnet_v2_b0", 7)

    stages = [cast(nn.Sequential, stage) for stage in cast(nn.Sequential, model.features)][1:-1]
    widths = [stage[-1].out_channels for stage in stages]
    depths = [len(stage) for stage in stages]
    assert widths == [16, 32, 48, 96, 112, 192]
    assert depths == [1, 2, 2, 3, 5, 8]


def test_a_width_multiplier_makes_the_b0_narrower() -> None:
    full = sum(p.numel() for p in build_model("efficientnet_v2_b0", 7).parameters())
    half = sum(p.numel() for p in build_model("efficientnet_v2_b0", 7, width_mult=0.5).parameters())

    assert half < full / 2


def test_a_stem_stride_of_one_keeps_twice_the_resolution() -> None:
    model = build_model("efficientnet_v2_b0", 7, in_channels=1, stem_stride=1).eval()

    with torch.no_grad():
        features = cast(nn.Sequential, model.features)(torch.zeros(1, 1, 48, 48))

    assert features.shape[-1] == 3


def test_it_rejects_an_unknown_architecture() -> None:
    with pytest.raises(ValueError, match="unknown arch"):
        build_model("resnet50", 7)


def test_it_refuses_to_download_imagenet_weights_that_are_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to download weights")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", no_network)

    with pytest.raises(PretrainedWeightsUnavailableError, match="not available offline"):
        build_model("efficientnet_v2_s", 7, pretrained=True)


def test_it_says_there_are_no_imagenet_weights_for_the_compact_b0() -> None:
    with pytest.raises(PretrainedWeightsUnavailableError, match="b0"):
        build_model("efficientnet_v2_b0", 7, pretrained=True)
