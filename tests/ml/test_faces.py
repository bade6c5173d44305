"""Face detection ordering and the geometry of face crops (margin, clipping, aspect ratio)."""

from __future__ import annotations

import numpy as np
import pytest

import ml.faces as faces
from ml.faces import FaceBox, crop_face, crop_region, detect_faces


def test_a_crop_is_a_square_centred_on_the_face_with_the_margin_on_every_side() -> None:
    region = crop_region(FaceBox(100, 100, 50, 50), 400, 300, margin=0.2)

    assert region == FaceBox(90, 90, 70, 70)


def test_a_crop_around_a_tall_face_box_is_still_square_and_contains_the_box() -> None:
    box = FaceBox(100, 80, 40, 80)

    region = crop_region(box, 400, 300, margin=0.1)

    assert region.w == region.h == 96
    assert region.x <= box.x and region.x + region.w >= box.x + box.w
    assert region.y <= box.y and region.y + region.h >= box.y + box.h


def test_a_crop_at_the_top_left_corner_is_shifted_into_the_image_not_squashed() -> None:
    region = crop_region(FaceBox(0, 0, 50, 50), 400, 300, margin=0.5)

    assert region == FaceBox(0, 0, 100, 100)


def test_a_crop_at_the_bottom_right_corner_stays_inside_the_image() -> None:
    region = crop_region(FaceBox(370, 260, 30, 40), 400, 300, margin=0.25)

    assert region.w == region.h == 60
    assert region.x + region.w == 400 and region.y + region.h == 300


def test_a_crop_larger_than_the_image_shrinks_to_its_shorter_side_and_stays_square() -> None:
    region = crop_region(FaceBox(10, 10, 90, 90), 200, 120, margin=0.5)

    assert region.w == region.h == 120
    assert region.y == 0 and 0 <= region.x <= 80


def test_crop_face_returns_the_pixels_of_the_region() -> None:
    image = np.arange(300 * 400 * 3, dtype=np.uint32).reshape(300, 400, 3).astype(np.uint8)

    crop = crop_face(image, FaceBox(100, 100, 50, 50), margin=0.2)

    assert crop.shape == (70, 70, 3)
    np.testing.assert_array_equal(crop, image[90:160, 90:160])


def test_it_rejects_a_negative_margin() -> None:
    with pytest.raises(ValueError, match="margin"):
        crop_region(FaceBox(0, 0, 10, 10), 100, 100, margin=-0.1)


def test_it_finds_no_face_in_a_blank_image() -> None:
    assert detect_faces(np.full((240, 320, 3), 128, dtype=np.uint8)) == []


def test_it_returns_faces_largest_first_and_passes_the_minimum_size(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class FakeCascade:
        def detectMultiScale(self, gray: np.ndarray, **kwargs: object) -> np.ndarray:
            seen.update(kwargs, shape=gray.shape)
            return np.array([[10, 10, 50, 50], [200, 40, 90, 90], [120, 30, 60, 60]])

    monkeypatch.setattr(faces, "_cascade", lambda: FakeCascade())

    boxes = detect_faces(np.zeros((240, 320, 3), dtype=np.uint8), min_size=48)

    assert [b.w for b in boxes] == [90, 60, 50]
    assert seen["minSize"] == (48, 48)
    assert seen["shape"] == (240, 320)


def test_a_client_face_box_is_parsed_from_text() -> None:
    assert FaceBox.parse("10,20,30,40") == FaceBox(10, 20, 30, 40)


@pytest.mark.parametrize("text", ["10,20,30", "a,b,c,d", "10,20,0,40", "-1,0,10,10"])
def test_a_malformed_client_face_box_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="face box"):
        FaceBox.parse(text)
