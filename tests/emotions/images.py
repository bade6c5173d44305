"""Test pictures, generated in memory: portraits, faceless photos and broken or hostile files."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import ExifTags, Image


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    """Bytes of `image` in `fmt`."""
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def portrait_jpeg() -> bytes:
    """A real RGB portrait with one clearly visible face (NASA astronaut photo from scikit-image)."""
    from skimage import data

    return encode(Image.fromarray(data.astronaut()), quality=92)


def phone_photo_jpeg(
    *, size: tuple[int, int] = (4032, 3024), face_px: int = 150, wall: str = "grass", orientation: int = 1
) -> bytes:
    """A phone-size photo of a natural texture with the astronaut's face `face_px` wide somewhere in it.

    With orientation 6 the pixels are stored sideways with an EXIF tag saying "rotate 90° clockwise",
    as phones save portrait photos.
    """
    import cv2
    from skimage import data

    width, height = size
    texture = getattr(data, wall)()
    texture = np.repeat(texture[:, :, None], 3, axis=2) if texture.ndim == 2 else texture[:, :, :3]
    canvas = np.tile(texture, (height // texture.shape[0] + 1, width // texture.shape[1] + 1, 1))[:height, :width]
    canvas = np.ascontiguousarray(canvas)
    head = data.astronaut()[0:300, 70:370]  # head and shoulders; the face is 90 px wide in it
    side = round(300 * face_px / 90)
    portrait = cv2.resize(head, (side, side), interpolation=cv2.INTER_AREA)
    top, left = (height - side) // 3, (width - side) // 2
    canvas[top : top + side, left : left + side] = portrait
    image = Image.fromarray(canvas)
    exif = image.getexif()
    if orientation == 6:
        image = image.transpose(Image.Transpose.ROTATE_90)  # stored sideways; EXIF turns it upright
        exif[ExifTags.Base.Orientation] = 6
    return encode(image, quality=90, exif=exif)


def faceless_jpeg() -> bytes:
    """A smooth colour gradient: a photo in which no detector finds a face."""
    y, x = np.mgrid[0:240, 0:320]
    rgb = np.stack([x * 255 // 319, y * 255 // 239, np.full_like(x, 128)], axis=-1).astype(np.uint8)
    return encode(Image.fromarray(rgb))


def small_jpeg(width: int = 64, height: int = 48) -> bytes:
    """A small valid JPEG."""
    return encode(Image.new("RGB", (width, height), (200, 120, 40)))


def truncated_jpeg() -> bytes:
    """A JPEG cut off in the middle of its scan data (header intact, so it identifies as JPEG)."""
    full = encode(Image.fromarray(np.random.default_rng(0).integers(0, 255, (256, 256, 3), dtype=np.uint8)))
    return full[: len(full) // 2]


def rotated_jpeg_with_gps() -> bytes:
    """A 60x40 JPEG whose EXIF says "rotate 90° clockwise" and which carries a GPS position."""
    image = Image.new("RGB", (60, 40), (10, 200, 10))
    exif = image.getexif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (55.0, 47.0, 0.0)
    return encode(image, exif=exif)


def portrait_heic(orientation: int = 1) -> bytes:
    """The astronaut portrait as an iPhone saves it: HEIC, optionally stored sideways with EXIF orientation."""
    from pillow_heif import register_heif_opener
    from skimage import data

    register_heif_opener()
    image = Image.fromarray(data.astronaut())
    exif = image.getexif()
    if orientation != 1:
        exif[ExifTags.Base.Orientation] = orientation
        image = image.transpose(Image.Transpose.ROTATE_90)  # the sensor's pixels; EXIF says how to stand them up
    return encode(image, "HEIF", quality=90, exif=exif.tobytes())


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def huge_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 1-bit PNG of width x height (400 megapixels) that compresses to a few hundred KB."""
    row = b"\x00" + bytes((width + 7) // 8)  # filter byte + one bit per pixel, all black
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # bit depth 1, greyscale
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def noise_png(side: int = 1000) -> bytes:
    """An incompressible PNG of about side*side*3 bytes (larger than Django's in-memory upload limit)."""
    rgb = np.random.default_rng(1).integers(0, 255, (side, side, 3), dtype=np.uint8)
    return encode(Image.fromarray(rgb), "PNG")
