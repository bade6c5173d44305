"""Validation and sanitising of uploaded selfies: decode for real, bound the size, drop EXIF."""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import IO

import numpy as np
from django.conf import settings
from django.core.files import File
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener
from rest_framework import status

from museum_guide.api_errors import ApiError

# iPhones save HEIC by default; pillow-heif lets Pillow decode it (libheif applies its rotation itself).
register_heif_opener()

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "HEIF"})
JPEG_QUALITY = 90
# The worker needs no more pixels than this on a photo's long side: the face detector's largest pass is
# 1344 px and the classifier reads 48 px, so a face at half its 12 MP size is still several times larger
# than the model's input. JPEG decoders scale by 1/2, 1/4 or 1/8 inside the DCT, far cheaper than a full
# decode followed by a resize (docs/BENCHMARKS.md, face stage).
READ_MIN_LONG_SIDE = 2000


def _decode_reduced(image: Image.Image, min_long_side: int) -> None:
    """Let a JPEG decode at the smallest of 1/2, 1/4, 1/8 keeping `min_long_side` (DCT scaling); others stay."""
    if image.format == "JPEG" and max(image.size) > min_long_side:
        factor = max(image.size) / min_long_side
        image.draft("RGB", (math.ceil(image.width / factor), math.ceil(image.height / factor)))


def stored_image_rgb(
    handle: IO[bytes] | File, *, min_long_side: int = READ_MIN_LONG_SIDE
) -> tuple[NDArray[np.uint8], float]:
    """A sanitised selfie's upright RGB pixels for reading, and their scale against the stored image.

    JPEGs longer than `min_long_side` are decoded at the smallest of 1/2, 1/4, 1/8 that keeps at least
    that long side; a face box given in stored-image pixels is multiplied by the returned scale.
    """
    with Image.open(handle) as image:
        stored_width = image.width
        _decode_reduced(image, min_long_side)
        rgb = np.asarray(image.convert("RGB"))
    return rgb, rgb.shape[1] / stored_width


@dataclass(frozen=True)
class SanitizedImage:
    """A re-encoded RGB JPEG with EXIF orientation applied and no metadata at all.

    `width` x `height` is what is stored (large photos reduced to about READ_MIN_LONG_SIDE); the upright
    photo as sent was `sent_width` x `sent_height`, the pixels a phone's face box refers to.
    """

    content: bytes
    width: int
    height: int
    sent_width: int = 0
    sent_height: int = 0
    extension: str = "jpg"

    @property
    def scale(self) -> float:
        """Stored pixels per sent pixel (1.0 when the photo was stored at full size)."""
        return self.width / self.sent_width if self.sent_width else 1.0


def _too_many_pixels(limit: int, size: tuple[int, int] | None = None) -> ApiError:
    actual = f"The image is {size[0]}x{size[1]} pixels; " if size else "The image has too many pixels; "
    return ApiError(
        "image_too_many_pixels",
        f"{actual}at most {limit:,} pixels are accepted.",
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )


def image_sanitize(data: bytes) -> SanitizedImage:
    """Decode `data` fully, reject what is not a sane photo, and re-encode it without EXIF.

    Raises ApiError with codes empty_image, image_too_large, not_an_image, unsupported_image_format,
    image_too_many_pixels, corrupt_image.
    """
    max_bytes: int = settings.CAPTURE_MAX_UPLOAD_BYTES
    max_pixels: int = settings.CAPTURE_MAX_PIXELS
    if not data:
        raise ApiError("empty_image", "The uploaded image file is empty.")
    if len(data) > max_bytes:
        raise ApiError(
            "image_too_large",
            f"The image is {len(data):,} bytes; at most {max_bytes:,} bytes are accepted.",
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    try:
        # Pillow's own bomb guard is global; the explicit size check below applies our limit first.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                width, height = probe.size
                if width * height > max_pixels:
                    raise _too_many_pixels(max_pixels, (width, height))
                if image_format not in ALLOWED_FORMATS:
                    raise ApiError(
                        "unsupported_image_format",
                        f"{image_format} images are not accepted; send JPEG, HEIC, PNG or WebP.",
                        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                    )
                probe.verify()  # structural check (CRCs, chunk layout); the image is unusable after it
            # verify() does not decode pixel data: a truncated JPEG only fails on a full load. A large JPEG
            # is decoded at 1/2, 1/4 ... inside the decoder (it still reads, and checks, every byte).
            with Image.open(io.BytesIO(data)) as image:
                _decode_reduced(image, READ_MIN_LONG_SIDE)
                image.load()
                oriented = ImageOps.exif_transpose(image)
                rgb = oriented.convert("RGB")
                # Other formats decode at full size: reduce by a whole factor (box average, cheap).
                reduce_by = max(rgb.size) // READ_MIN_LONG_SIDE
                if reduce_by >= 2:
                    rgb = rgb.reduce(reduce_by)
    except ApiError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except UnidentifiedImageError:
        raise ApiError("not_an_image", "The uploaded file is not an image.") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports broken data as OSError ("image file is truncated"), SyntaxError (bad PNG
        # chunks) or ValueError, depending on the codec.
        raise ApiError("corrupt_image", f"The image could not be decoded: {exc}") from None
    # The upright size as sent: the decoder may have scaled it, the orientation may have swapped the sides.
    turned = oriented.size != image.size
    sent_width, sent_height = (height, width) if turned else (width, height)
    out = io.BytesIO()
    # Saving without exif=/icc_profile= writes no metadata; GPS and camera data are gone.
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return SanitizedImage(
        content=out.getvalue(), width=rgb.width, height=rgb.height, sent_width=sent_width, sent_height=sent_height
    )
