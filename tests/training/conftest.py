"""Fixtures for training tests: a tiny generated ImageFolder dataset written to tmp_path."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

CLASSES = ("angry", "happy", "sad")
# Each class gets its own texture so that even two epochs of a tiny model have something to learn.
PATTERNS = {"angry": "rows", "happy": "cols", "sad": "flat"}


def _face(pattern: str, rng: np.random.Generator, size: int = 40) -> np.ndarray:
    base = rng.integers(60, 120)
    img = np.full((size, size), base, dtype=np.uint8)
    if pattern == "rows":
        img[::4] = 230
    elif pattern == "cols":
        img[:, ::4] = 230
    noise = rng.integers(0, 20, size=(size, size), dtype=np.uint8)
    return cv2.cvtColor(cv2.add(img, noise), cv2.COLOR_GRAY2BGR)


def write_image_folder(root: Path, per_class: int, seed: int, classes: tuple[str, ...] = CLASSES) -> Path:
    """Write `per_class` JPEG images per class under root/<class>/."""
    rng = np.random.default_rng(seed)
    for name in classes:
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            cv2.imwrite(str(root / name / f"{name}_{i}.jpg"), _face(PATTERNS.get(name, "flat"), rng))
    return root


@pytest.fixture
def fer_like_data(tmp_path: Path) -> Path:
    """tmp_path/data with train/ (8 per class) and val/ (4 per class), FER layout."""
    data = tmp_path / "data"
    write_image_folder(data / "train", per_class=8, seed=0)
    write_image_folder(data / "val", per_class=4, seed=1)
    return data
