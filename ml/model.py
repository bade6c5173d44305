"""EfficientNetV2 builders: torchvision's S/M/L and a compact B0 assembled from torchvision's blocks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torchvision.models import efficientnet as tv_effnet

logger = logging.getLogger(__name__)

ARCHS = ("efficientnet_v2_b0", "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l")

_TORCHVISION_WEIGHTS: dict[str, Any] = {
    "efficientnet_v2_s": tv_effnet.EfficientNet_V2_S_Weights.IMAGENET1K_V1,
    "efficientnet_v2_m": tv_effnet.EfficientNet_V2_M_Weights.IMAGENET1K_V1,
    "efficientnet_v2_l": tv_effnet.EfficientNet_V2_L_Weights.IMAGENET1K_V1,
}


class PretrainedWeightsUnavailableError(RuntimeError):
    """ImageNet weights were requested but are not available offline."""


def _b0_setting(width_mult: float, depth_mult: float) -> list[tv_effnet._MBConvConfig]:
    """Stage settings of EfficientNetV2-B0 (official efficientnetv2 repo, same block notation as paper Table 4)."""

    def ch(c: int) -> int:
        return int(tv_effnet._MBConvConfig.adjust_channels(c, width_mult))

    def depth(n: int) -> int:
        return int(tv_effnet.MBConvConfig.adjust_depth(n, depth_mult))

    # expand, kernel, stride, in, out, layers; the first three stages are Fused-MBConv without SE.
    return [
        tv_effnet.FusedMBConvConfig(1, 3, 1, ch(32), ch(16), depth(1)),
        tv_effnet.FusedMBConvConfig(4, 3, 2, ch(16), ch(32), depth(2)),
        tv_effnet.FusedMBConvConfig(4, 3, 2, ch(32), ch(48), depth(2)),
        tv_effnet.MBConvConfig(4, 3, 2, 48, 96, 3, width_mult, depth_mult),
        tv_effnet.MBConvConfig(6, 3, 1, 96, 112, 5, width_mult, depth_mult),
        tv_effnet.MBConvConfig(6, 3, 2, 112, 192, 8, width_mult, depth_mult),
    ]


def _hub_weights_file(weights: Any) -> Path:
    """Where torch.hub would cache a torchvision weights file."""
    filename = str(weights.url).rsplit("/", 1)[-1]
    return Path(torch.hub.get_dir()) / "checkpoints" / filename


def _load_imagenet_weights(model: nn.Module, arch: str) -> None:
    """Load torchvision ImageNet weights from the local torch.hub cache; never download them."""
    weights = _TORCHVISION_WEIGHTS.get(arch)
    if weights is None:
        raise PretrainedWeightsUnavailableError(f"no ImageNet weights exist for {arch!r}; train it from scratch")
    path = _hub_weights_file(weights)
    if not path.is_file():
        raise PretrainedWeightsUnavailableError(
            f"ImageNet weights for {arch} are not available offline: expected {path}. "
            "This project never downloads them; copy the file there by hand or train from scratch."
        )
    state = torch.load(path, map_location="cpu", weights_only=True)
    # The ImageNet head has 1000 classes: keep ours, take the backbone.
    state = {k: v for k, v in state.items() if not k.startswith("classifier.")}
    model.load_state_dict(state, strict=False)
    logger.info("loaded ImageNet backbone weights from %s", path)


def _replace_stem(model: tv_effnet.EfficientNet, in_channels: int, stride: int) -> None:
    """Swap the stem convolution for one with `in_channels` inputs and the given stride."""
    stem = model.features[0][0]
    assert isinstance(stem, nn.Conv2d)
    if in_channels == stem.in_channels and stride == stem.stride[0]:
        return
    new = nn.Conv2d(in_channels, stem.out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
    nn.init.kaiming_normal_(new.weight, mode="fan_out")
    model.features[0][0] = new


def build_model(
    arch: str,
    num_classes: int,
    dropout: float = 0.2,
    *,
    in_channels: int = 3,
    width_mult: float = 1.0,
    depth_mult: float = 1.0,
    stem_stride: int = 2,
    stochastic_depth_prob: float = 0.2,
    pretrained: bool = False,
) -> nn.Module:
    """Build an EfficientNetV2 classifier whose head is Dropout -> Linear and which returns logits."""
    if arch not in ARCHS:
        raise ValueError(f"unknown arch {arch!r}; choose one of {', '.join(ARCHS)}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    if in_channels not in (1, 3):
        raise ValueError(f"in_channels must be 1 (grayscale) or 3 (RGB), got {in_channels}")
    if stem_stride not in (1, 2):
        raise ValueError(f"stem_stride must be 1 or 2, got {stem_stride}")
    if arch == "efficientnet_v2_b0":
        if pretrained:
            raise PretrainedWeightsUnavailableError("torchvision has no ImageNet weights for efficientnet_v2_b0")
        model: tv_effnet.EfficientNet = tv_effnet.EfficientNet(
            _b0_setting(width_mult, depth_mult),
            dropout,
            stochastic_depth_prob=stochastic_depth_prob,
            num_classes=num_classes,
            norm_layer=partial(nn.BatchNorm2d, eps=1e-3),
            last_channel=1280,
        )
    else:
        if width_mult != 1.0 or depth_mult != 1.0:
            raise ValueError(f"width_mult/depth_mult are only supported for efficientnet_v2_b0, not {arch}")
        # weights=None: torchvision never downloads; pretrained weights come only from the local cache.
        factory: Callable[..., tv_effnet.EfficientNet] = getattr(tv_effnet, arch)
        model = factory(
            weights=None, num_classes=num_classes, dropout=dropout, stochastic_depth_prob=stochastic_depth_prob
        )
        if pretrained:
            _load_imagenet_weights(model, arch)
    _replace_stem(model, in_channels, stem_stride)
    _init_head(model)
    built: nn.Module = model  # torchvision ships no type hints: pin the declared type here
    return built


def _init_head(model: tv_effnet.EfficientNet) -> None:
    """Start the classifier near uniform predictions.

    torchvision scales the head's init range by 1/sqrt(num_classes): fine for 1000 classes, but with 7 the
    initial logits have a std of about 4 and the first loss is ~3.5 instead of ln(7) = 1.95.
    """
    head = model.classifier[-1]  # Dropout -> Linear
    assert isinstance(head, nn.Linear)
    nn.init.normal_(head.weight, std=0.01)
    nn.init.zeros_(head.bias)
