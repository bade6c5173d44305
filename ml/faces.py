"""Face detection with OpenCV's Haar cascade and aspect-preserving face crops."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

CASCADE_FILE = "haarcascade_frontalface_default.xml"
_local = threading.local()


@dataclass(frozen=True)
class FaceBox:
    """A face rectangle in pixels, top-left origin."""

    x: int
    y: int
    w: int
    h: int

    @property
    def area(self) -> int:
        """Width times height."""
        return self.w * self.h

    @classmethod
    def parse(cls, text: str) -> FaceBox:
        """Parse 'x,y,w,h' (what phones send as a client-side face box)."""
        parts = text.split(",")
        if len(parts) != 4:
            raise ValueError(f"a face box is 'x,y,w,h', got {text!r}")
        try:
            x, y, w, h = (round(float(p)) for p in parts)
        except ValueError as exc:
            raise ValueError(f"a face box is four numbers 'x,y,w,h', got {text!r}") from exc
        if w <= 0 or h <= 0 or x < 0 or y < 0:
            raise ValueError(f"a face box needs x, y >= 0 and w, h > 0, got {text!r}")
        return cls(x, y, w, h)


def _cascade() -> cv2.CascadeClassifier:
    # One classifier per thread: detectMultiScale is not documented as thread-safe.
    cascade: cv2.CascadeClassifier | None = getattr(_local, "cascade", None)
    if cascade is None:
        path = Path(cv2.data.haarcascades) / CASCADE_FILE  # type: ignore[attr-defined]
        cascade = cv2.CascadeClassifier(str(path))
        if cascade.empty():
            raise RuntimeError(f"cannot load OpenCV Haar cascade {path}")
        _local.cascade = cascade
    return cascade


def _check_image(image: NDArray[np.uint8]) -> None:
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3)):
        raise ValueError(f"expected a uint8 HxWx3 RGB or HxW gray image, got {image.dtype} {image.shape}")


def detect_faces(
    rgb: NDArray[np.uint8], *, min_size: int = 40, scale_factor: float = 1.1, min_neighbors: int = 5
) -> list[FaceBox]:
    """Frontal faces at least `min_size` pixels wide in an RGB (or gray) uint8 image, largest first."""
    _check_image(rgb)
    if rgb.ndim == 3 and rgb.shape[2] == 3:
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    else:
        gray = rgb.reshape(rgb.shape[0], rgb.shape[1])
    gray = cv2.equalizeHist(np.ascontiguousarray(gray))
    found = _cascade().detectMultiScale(
        gray, scaleFactor=scale_factor, minNeighbors=min_neighbors, minSize=(min_size, min_size)
    )
    boxes = [FaceBox(int(x), int(y), int(w), int(h)) for (x, y, w, h) in np.asarray(found).reshape(-1, 4)]
    return sorted(boxes, key=lambda b: (-b.area, b.y, b.x))


def crop_region(box: FaceBox, image_width: int, image_height: int, *, margin: float = 0.2) -> FaceBox:
    """Square region centred on the box, enlarged by `margin` of its side on every side, kept inside the image.

    The square is shifted (not squashed) to fit; only when the image itself is smaller than the square
    does its side shrink, to the image's shorter side, so the crop stays square and is never distorted.
    """
    if margin < 0:
        raise ValueError(f"margin must be >= 0, got {margin}")
    if image_width < 1 or image_height < 1:
        raise ValueError("empty image")
    side = round(max(box.w, box.h) * (1 + 2 * margin))
    side = max(1, min(side, image_width, image_height))
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    left = round(cx - side / 2)
    top = round(cy - side / 2)
    left = min(max(left, 0), image_width - side)
    top = min(max(top, 0), image_height - side)
    return FaceBox(left, top, side, side)


def crop_face(rgb: NDArray[np.uint8], box: FaceBox, *, margin: float = 0.2) -> NDArray[np.uint8]:
    """Square face crop (a copy) around `box` with a margin, clipped to the image, never distorted."""
    _check_image(rgb)
    height, width = rgb.shape[:2]
    region = crop_region(box, width, height, margin=margin)
    return rgb[region.y : region.y + region.h, region.x : region.x + region.w].copy()
