"""Augmentations applied to whole batches of tensors (one grid_sample per batch instead of per-image PIL ops)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812


@dataclass(frozen=True)
class AugmentConfig:
    """Ranges of the random augmentations; zero disables one."""

    rotation_deg: float = 15.0
    scale: float = 0.15  # zoom factor drawn from [1 - scale, 1 + scale]
    translate: float = 0.1  # fraction of the image size
    shear_deg: float = 8.0
    brightness: float = 0.25
    contrast: float = 0.25
    saturation: float = 0.2  # only for colour input
    hflip: bool = True
    erasing_p: float = 0.0
    mixup_alpha: float = 0.0


def _uniform(n: int, low: float, high: float, gen: torch.Generator, device: torch.device) -> torch.Tensor:
    return torch.rand(n, generator=gen, device=device) * (high - low) + low


def random_affine(x: torch.Tensor, cfg: AugmentConfig, gen: torch.Generator) -> torch.Tensor:
    """Rotation, scale, translation, shear and horizontal flip as one affine warp per image."""
    n, dev = x.shape[0], x.device
    angle = _uniform(n, -cfg.rotation_deg, cfg.rotation_deg, gen, dev) * (math.pi / 180)
    shear = _uniform(n, -cfg.shear_deg, cfg.shear_deg, gen, dev) * (math.pi / 180)
    # affine_grid maps output to input coordinates, so zooming in by s means sampling a 1/s-sized region.
    inv_scale = 1.0 / _uniform(n, 1 - cfg.scale, 1 + cfg.scale, gen, dev)
    tx = _uniform(n, -cfg.translate, cfg.translate, gen, dev) * 2
    ty = _uniform(n, -cfg.translate, cfg.translate, gen, dev) * 2
    flip = torch.ones(n, device=dev)
    if cfg.hflip:
        flip = torch.where(torch.rand(n, generator=gen, device=dev) < 0.5, -flip, flip)
    cos, sin, tan = torch.cos(angle), torch.sin(angle), torch.tan(shear)
    theta = torch.zeros(n, 2, 3, device=dev)
    theta[:, 0, 0] = inv_scale * cos * flip
    theta[:, 0, 1] = inv_scale * (-sin + cos * tan)
    theta[:, 1, 0] = inv_scale * sin * flip
    theta[:, 1, 1] = inv_scale * (cos + sin * tan)
    theta[:, 0, 2] = tx
    theta[:, 1, 2] = ty
    grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def color_jitter(x: torch.Tensor, cfg: AugmentConfig, gen: torch.Generator) -> torch.Tensor:
    """Per-image brightness, contrast (and saturation for RGB) on [0, 1] images."""
    n, dev = x.shape[0], x.device
    shape = (n, 1, 1, 1)
    if cfg.saturation > 0 and x.shape[1] == 3:
        gray = (0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]).expand_as(x)
        s = _uniform(n, 1 - cfg.saturation, 1 + cfg.saturation, gen, dev).view(shape)
        x = gray + (x - gray) * s
    if cfg.contrast > 0:
        c = _uniform(n, 1 - cfg.contrast, 1 + cfg.contrast, gen, dev).view(shape)
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        x = mean + (x - mean) * c
    if cfg.brightness > 0:
        b = _uniform(n, 1 - cfg.brightness, 1 + cfg.brightness, gen, dev).view(shape)
        x = x * b
    return x.clamp(0.0, 1.0)


def random_erasing(x: torch.Tensor, p: float, gen: torch.Generator) -> torch.Tensor:
    """Erase one random rectangle (2-25% of the area) per selected image with noise (after normalisation)."""
    n, _, h, w = x.shape
    dev = x.device
    apply = torch.rand(n, generator=gen, device=dev) < p
    area = _uniform(n, 0.02, 0.25, gen, dev) * h * w
    ratio = torch.exp(_uniform(n, math.log(0.3), math.log(3.3), gen, dev))
    eh = (area * ratio).sqrt().clamp(1, h)
    ew = (area / ratio).sqrt().clamp(1, w)
    top = torch.rand(n, generator=gen, device=dev) * (h - eh)
    left = torch.rand(n, generator=gen, device=dev) * (w - ew)
    rows = torch.arange(h, device=dev).view(1, h, 1)
    cols = torch.arange(w, device=dev).view(1, 1, w)
    mask = (
        (rows >= top.view(n, 1, 1))
        & (rows < (top + eh).view(n, 1, 1))
        & (cols >= left.view(n, 1, 1))
        & (cols < (left + ew).view(n, 1, 1))
        & apply.view(n, 1, 1)
    ).unsqueeze(1)
    noise = torch.randn(x.shape, generator=gen, device=dev, dtype=x.dtype)
    return torch.where(mask, noise, x)


def mixup(
    x: torch.Tensor, y: torch.Tensor, alpha: float, gen: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, float]:
    """Mix each image with a partner from the same batch; returns (x, y_a, y_b, lambda)."""
    lam = float(torch.distributions.Beta(alpha, alpha).sample().item()) if alpha > 0 else 1.0
    perm = torch.randperm(x.shape[0], generator=gen, device=x.device)
    return lam * x + (1 - lam) * x[perm], y, y[perm], lam


def augment_batch(x01: torch.Tensor, cfg: AugmentConfig, gen: torch.Generator) -> torch.Tensor:
    """Geometric and photometric augmentation of a [0, 1] NCHW batch."""
    x = random_affine(x01, cfg, gen)
    return color_jitter(x, cfg, gen)
