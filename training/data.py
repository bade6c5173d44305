"""ImageFolder data decoded once into a cached uint8 array, stratified splits and normalisation stats."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from numpy.typing import NDArray
from sklearn.model_selection import train_test_split
from tqdm import tqdm

from ml.preprocess import to_model_pixels

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
CACHE_VERSION = "1"


@dataclass
class ImageArray:
    """Decoded images (N x H x W x C uint8, RGB or gray), integer targets and class names."""

    images: NDArray[Any]
    targets: NDArray[Any]
    classes: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.targets.shape[0])

    def subset(self, indices: NDArray[Any]) -> ImageArray:
        """Rows selected by index, same classes."""
        return ImageArray(self.images[indices], self.targets[indices], self.classes)

    def class_counts(self) -> NDArray[Any]:
        """Number of images per class, in class order."""
        return np.bincount(self.targets, minlength=len(self.classes))


def list_image_folder(root: Path) -> tuple[tuple[str, ...], list[tuple[Path, int]]]:
    """Class names (sorted sub-folder names) and (file, class index) pairs of an ImageFolder tree."""
    if not root.is_dir():
        raise FileNotFoundError(f"image folder not found: {root}")
    classes = tuple(sorted(d.name for d in root.iterdir() if d.is_dir() and not d.name.startswith(".")))
    if len(classes) < 2:
        raise ValueError(f"{root} needs at least two class sub-folders, found {list(classes)}")
    samples: list[tuple[Path, int]] = []
    for index, name in enumerate(classes):
        files = sorted(p for p in (root / name).rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        samples.extend((p, index) for p in files)
    if not samples:
        raise ValueError(f"no images found under {root}")
    return classes, samples


def _cache_key(root: Path, samples: list[tuple[Path, int]], image_size: int, grayscale: bool) -> str:
    digest = hashlib.sha256(f"{CACHE_VERSION}|{root.resolve()}|{image_size}|{grayscale}".encode())
    for path, target in samples:
        stat = path.stat()
        digest.update(f"{path.relative_to(root)}|{target}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def decode_image(path: Path, image_size: int, grayscale: bool) -> NDArray[Any]:
    """Read one image file as RGB (OpenCV decodes BGR) and bring it to model pixels."""
    raw = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if raw is None:
        raise ValueError(f"cannot decode image {path}")
    rgb = cv2.cvtColor(raw, cv2.COLOR_BGR2RGB)
    return to_model_pixels(rgb, image_size, grayscale)


def default_cache_dir() -> Path:
    """Cache directory outside the repository (override with MUSEUM_GUIDE_CACHE)."""
    return Path(os.environ.get("MUSEUM_GUIDE_CACHE", Path.home() / ".cache" / "museum_guide"))


def load_image_folder(
    root: str | os.PathLike[str], image_size: int, grayscale: bool, cache_dir: Path | None = None
) -> ImageArray:
    """Decode every image of an ImageFolder tree once; later calls read a memory-mapped .npy cache."""
    root = Path(root)
    classes, samples = list_image_folder(root)
    targets = np.array([t for _, t in samples], dtype=np.int64)
    channels = 1 if grayscale else 3
    cache_path: Path | None = None
    if cache_dir is not None:
        cache_path = cache_dir / f"images-{_cache_key(root, samples, image_size, grayscale)}.npy"
        if cache_path.is_file():
            images = np.load(cache_path, mmap_mode="r")
            if images.shape == (len(samples), image_size, image_size, channels):
                logger.info("using decoded-image cache %s", cache_path)
                return ImageArray(np.asarray(images), targets, classes)
    images = np.empty((len(samples), image_size, image_size, channels), dtype=np.uint8)
    for i, (path, _) in enumerate(tqdm(samples, desc=f"decode {root.name}", unit="img", mininterval=2.0)):
        images[i] = decode_image(path, image_size, grayscale)
    if cache_path is not None:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_path.with_suffix(".tmp.npy")
        np.save(tmp, images)
        os.replace(tmp, cache_path)
        logger.info("wrote decoded-image cache %s", cache_path)
    return ImageArray(images, targets, classes)


def stratified_split(data: ImageArray, val_fraction: float, seed: int) -> tuple[ImageArray, ImageArray]:
    """Split into train/val keeping class proportions (used when the data has no val/ folder)."""
    indices = np.arange(len(data))
    counts = data.class_counts()
    # Stratification needs at least two samples of every class; tiny sets fall back to a plain split.
    stratify = data.targets if counts.min() >= 2 and round(len(data) * val_fraction) >= len(data.classes) else None
    train_idx, val_idx = train_test_split(indices, test_size=val_fraction, random_state=seed, stratify=stratify)
    return data.subset(np.sort(train_idx)), data.subset(np.sort(val_idx))


def channel_stats(images: NDArray[Any]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-channel mean and std of uint8 images, on the [0, 1] scale."""
    x = torch.from_numpy(np.ascontiguousarray(images)).float().div_(255.0)
    flat = x.reshape(-1, x.shape[-1]).double()
    mean = flat.mean(0)
    std = flat.std(0).clamp_min(1e-3)
    return tuple(float(v) for v in mean), tuple(float(v) for v in std)
