"""The one eval transform shared by training and inference: square crop, resize, colour mode, normalise."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:  # the onnxruntime path (ml.onnx_classifier) runs without importing torch
    import torch


def center_square(image: NDArray[Any]) -> NDArray[Any]:
    """Central square of an image, so that resizing never distorts a face."""
    h, w = image.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    return image[top : top + side, left : left + side]


def to_model_pixels(rgb: NDArray[Any], input_size: int, grayscale: bool) -> NDArray[Any]:
    """RGB (HxWx3) or gray (HxW / HxWx1) uint8 image -> uint8 input_size x input_size x C in RGB or gray."""
    if rgb.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got dtype {rgb.dtype}")
    if rgb.ndim == 3 and rgb.shape[2] == 1:
        rgb = rgb[:, :, 0]
    if rgb.ndim not in (2, 3) or (rgb.ndim == 3 and rgb.shape[2] != 3):
        raise ValueError(f"expected an HxWx3 RGB or HxW gray image, got shape {rgb.shape}")
    if min(rgb.shape[:2]) < 1:
        raise ValueError(f"empty image of shape {rgb.shape}")
    square = center_square(rgb)
    side = square.shape[0]
    # INTER_AREA averages when shrinking (no aliasing); INTER_LINEAR when enlarging small crops.
    interp = cv2.INTER_AREA if side > input_size else cv2.INTER_LINEAR
    resized = cv2.resize(np.ascontiguousarray(square), (input_size, input_size), interpolation=interp)
    if grayscale:
        if resized.ndim == 3:
            # The input is RGB: converting with the BGR code would swap red and blue weights.
            resized = cv2.cvtColor(resized, cv2.COLOR_RGB2GRAY)
        return resized[:, :, None]
    if resized.ndim == 2:
        resized = cv2.cvtColor(resized, cv2.COLOR_GRAY2RGB)
    return resized


def normalize(batch_uint8: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """NHWC or NCHW uint8 -> NCHW float32 scaled to [0, 1] then standardised with per-channel mean/std."""
    import torch

    x = batch_uint8
    if x.shape[-1] in (1, 3) and x.shape[1] not in (1, 3):
        x = x.permute(0, 3, 1, 2)
    x = x.float().div_(255.0)
    m = torch.tensor(mean, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
    s = torch.tensor(std, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
    return (x - m) / s


def preprocess_batch(
    images: Sequence[NDArray[Any]],
    input_size: int,
    grayscale: bool,
    mean: Sequence[float],
    std: Sequence[float],
) -> torch.Tensor:
    """RGB uint8 crops -> normalised NCHW float tensor ready for the model."""
    import torch

    pixels = np.stack([to_model_pixels(img, input_size, grayscale) for img in images])
    return normalize(torch.from_numpy(pixels).permute(0, 3, 1, 2), mean, std).contiguous()
