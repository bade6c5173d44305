"""The face stage on real pictures: YuNet detection in phone-size photos, eye-level alignment, crop framing."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray
from skimage import data

from ml.faces import DEFAULT_DETECTOR, Face, FaceBox, FaceDetector, FaceDetectorError, face_crop

# Where the astronaut's face is in skimage's 512x512 portrait (measured once with this detector).
ASTRONAUT_FACE = FaceBox(178, 63, 90, 113)


@pytest.fixture(scope="module")
def detector() -> FaceDetector:
    return FaceDetector()


def _tiled(texture: NDArray[Any], height: int, width: int) -> NDArray[Any]:
    rgb = texture if texture.ndim == 3 else np.repeat(texture[:, :, None], 3, axis=2)
    reps = (math.ceil(height / rgb.shape[0]), math.ceil(width / rgb.shape[1]), 1)
    return np.ascontiguousarray(np.tile(rgb[:, :, :3], reps)[:height, :width])


def _paste_astronaut(canvas: NDArray[Any], x: int, y: int, scale: float) -> FaceBox:
    """Paste the astronaut portrait at (x, y) scaled by `scale`; returns where its face now is."""
    portrait = data.astronaut()
    size = round(512 * scale)
    canvas[y : y + size, x : x + size] = cv2.resize(portrait, (size, size), interpolation=cv2.INTER_AREA)
    f = ASTRONAUT_FACE
    return FaceBox(x + round(f.x * scale), y + round(f.y * scale), round(f.w * scale), round(f.h * scale))


def _overlap(a: FaceBox, b: FaceBox) -> float:
    """Intersection over union of two boxes."""
    ix = max(0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    inter = ix * iy
    return inter / (a.area + b.area - inter)


def test_it_finds_the_face_in_a_portrait_with_five_landmarks(detector: FaceDetector) -> None:
    faces = detector.detect(data.astronaut())

    assert len(faces) == 1
    assert _overlap(faces[0].box, ASTRONAUT_FACE) > 0.8
    assert faces[0].score > 0.8
    right_eye, left_eye, nose, *_ = faces[0].landmarks
    assert right_eye[0] < nose[0] < left_eye[0]  # the person's right eye is on the image's left
    assert abs(faces[0].roll_degrees()) < 5


def test_it_keeps_the_real_face_first_on_a_textured_wall_that_fooled_the_old_detector(
    detector: FaceDetector,
) -> None:
    # The Haar cascade found false faces in brick and gravel and the worker kept the largest box.
    photo = _tiled(data.brick(), 3024, 4032)
    photo[:1512, 2016:] = _tiled(data.gravel(), 1512, 2016)
    truth = _paste_astronaut(photo, 1400, 1300, 2.0)  # a face of 180 px

    faces = detector.detect(photo)

    assert faces, "the face was not found"
    assert _overlap(faces[0].box, truth) > 0.6


def test_it_finds_a_small_face_in_a_12_megapixel_photo_in_full_resolution_pixels(detector: FaceDetector) -> None:
    photo = _tiled(data.grass(), 3024, 4032)
    truth = _paste_astronaut(photo, 2900, 400, 1.6)  # a face about 150 px wide in a 4032 px wide photo

    faces = detector.detect(photo)

    assert faces and _overlap(faces[0].box, truth) > 0.6
    assert 120 <= faces[0].box.w <= 200


@pytest.mark.parametrize("name", ["coffee", "brick", "grass", "gravel", "rocket", "page", "hubble_deep_field"])
def test_it_finds_no_face_in_face_free_photos(detector: FaceDetector, name: str) -> None:
    picture = getattr(data, name)()
    photo = cv2.resize(_tiled(picture, picture.shape[0], picture.shape[1]), (1920, 1080))

    assert detector.detect(photo) == []


def _photo_of(name: str, size: tuple[int, int]) -> NDArray[Any]:
    picture = getattr(data, name)()
    rgb = picture if picture.ndim == 3 else np.repeat(picture[:, :, None], 3, axis=2)
    return cv2.resize(np.ascontiguousarray(rgb[:, :, :3]), size)


def test_a_doubtful_face_counts_only_where_the_verifier_confirms_it() -> None:
    strict = FaceDetector(score_threshold=0.99)  # every face is doubtful here
    galaxies = _photo_of("hubble_deep_field", (1920, 1080))
    # The galaxy YuNet takes for a face (score ~0.76) is not confirmed; without a judge it was kept.
    assert FaceDetector(score_threshold=0.7, confirm_threshold=None, verifier=None).detect(galaxies) != []
    assert strict.detect(galaxies) == []
    # A real face YuNet scores below the bar is confirmed and kept, box and landmarks unchanged.
    faces = strict.detect(data.astronaut())
    assert faces and _overlap(faces[0].box, ASTRONAUT_FACE) > 0.6 and faces[0].score < 0.99
    # Without a verifier nothing can confirm a doubtful face.
    assert FaceDetector(score_threshold=0.99, verifier=None).detect(data.astronaut()) == []


def test_the_verifier_reads_the_face_levelled_by_its_eye_landmarks() -> None:
    detector = FaceDetector()
    canvas = np.full((1024, 1024, 3), 128, np.uint8)
    canvas[256:768, 256:768] = data.astronaut()
    upright = detector.detect(canvas)[0]
    centre = (upright.box.x + upright.box.w / 2, upright.box.y + upright.box.h / 2)
    # The portrait turned a quarter round its face, the landmarks turned with it.
    turn = cv2.getRotationMatrix2D(centre, 90, 1.0)
    turned = cv2.warpAffine(canvas, turn, (1024, 1024), borderValue=(128, 128, 128))
    marks = tuple((float(x), float(y)) for x, y in (turn @ np.array([[x, y, 1.0] for x, y in upright.landmarks]).T).T)
    tilted = Face(upright.box, 0.5, marks)

    assert abs(abs(tilted.roll_degrees()) - 90) < 5
    assert detector.face_probability(turned, tilted) >= detector.verifier_confirm
    # The same square read as it lies (no landmarks, no levelling) hardly looks like a face to ONet.
    assert detector.face_probability(turned, Face(upright.box, 0.5)) < detector.verifier_veto


def test_mtcnns_output_network_tells_the_real_face_from_the_galaxy_yunet_is_sure_of() -> None:
    no_verifier = FaceDetector(score_threshold=0.75, confirm_threshold=None, verifier=None)
    galaxies = _photo_of("hubble_deep_field", (1920, 1080))
    galaxy = no_verifier.detect(galaxies)[0]  # YuNet is sure of it (score ~0.76 here, 0.80 in a phone photo)
    real = no_verifier.detect(data.astronaut())[0]
    verified = FaceDetector(score_threshold=0.75, confirm_threshold=None)

    assert verified.face_probability(galaxies, galaxy) < 0.1
    assert verified.face_probability(data.astronaut(), real) > 0.9
    assert no_verifier.face_probability(galaxies, galaxy) == 1.0
    # The veto: the same detector with the verifier drops the galaxy and keeps the portrait's face.
    assert verified.detect(galaxies) == []
    assert verified.detect(data.astronaut())[0] == real


def test_a_doubtful_face_counts_where_mtcnns_output_network_confirms_it() -> None:
    strict = FaceDetector(score_threshold=0.99)  # every face is doubtful here
    brick = _tiled(data.brick(), 512, 512)
    faces = strict.detect(data.astronaut())

    assert faces and faces[0].score < 0.99
    assert strict.face_probability(data.astronaut(), faces[0]) >= strict.verifier_confirm
    assert strict.face_probability(brick, faces[0]) < strict.verifier_veto  # the same square, no face in it


def test_a_missing_or_altered_verifier_file_fails_clearly(tmp_path: Path) -> None:
    from ml.faces import DEFAULT_VERIFIER

    with pytest.raises(FaceDetectorError, match="verifier not found"):
        FaceDetector(verifier=tmp_path / "absent.onnx")
    altered = tmp_path / DEFAULT_VERIFIER.name
    altered.write_bytes(DEFAULT_VERIFIER.read_bytes()[:-1] + b"\0")
    (tmp_path / "SHA256SUMS").write_text((DEFAULT_VERIFIER.parent / "SHA256SUMS").read_text())
    with pytest.raises(FaceDetectorError, match="sha256"):
        FaceDetector(verifier=altered)


def test_the_confirming_score_cannot_exceed_the_score_a_face_needs() -> None:
    with pytest.raises(ValueError, match="confirm_threshold"):
        FaceDetector(score_threshold=0.6, confirm_threshold=0.7)


@pytest.mark.parametrize("shape", [(1, 1, 3), (12, 12, 3), (31, 500, 3), (40, 4000, 3), (4000, 50), (0, 0, 3)])
def test_tiny_and_sliver_images_have_no_face_and_no_crash(detector: FaceDetector, shape: tuple[int, ...]) -> None:
    assert detector.detect(np.full(shape, 128, dtype=np.uint8)) == []


def test_a_face_cut_by_the_image_border_is_found_and_its_crop_stays_centred(detector: FaceDetector) -> None:
    portrait = data.astronaut()[:, 200:]  # the left part of the face is cut off by the border

    faces = detector.detect(portrait)
    crop = face_crop(portrait, faces[0])

    assert faces[0].box.x == 0
    assert crop.shape[0] == crop.shape[1] and crop.shape[2] == 3
    # The edge is repeated where the image ends, so the face stays at the centre of the square.
    half = crop.shape[1] // 2
    assert np.abs(crop[:, :half].astype(int) - crop[:, half:][:, ::-1].astype(int)).mean() < 80


def test_a_tilted_face_is_rotated_eyes_level_before_the_crop() -> None:
    photo = np.full((400, 400, 3), 90, dtype=np.uint8)
    # Two dark eyes 100 px apart on a line tilted 20 degrees clockwise (the right side lower).
    eye_r = (150.0, 180.0)
    eye_l = (150.0 + 100 * math.cos(math.radians(20)), 180.0 + 100 * math.sin(math.radians(20)))
    for x, y in (eye_r, eye_l):
        cv2.circle(photo, (round(x), round(y)), 12, (0, 0, 0), -1)
    face = Face(FaceBox(120, 130, 170, 170), 0.9, (eye_r, eye_l, (200, 230), (180, 270), (230, 280)))

    crop = face_crop(photo, face, margin=0.0, max_side=170)

    assert face.roll_degrees() == pytest.approx(20.0)
    dark_rows = np.nonzero((crop[:, :, 0] < 30).any(axis=1))[0]
    assert dark_rows.max() - dark_rows.min() < 30  # both eyes now sit on the same rows


def test_a_large_face_is_shrunk_to_the_maximum_crop_side_without_changing_the_framing(
    detector: FaceDetector,
) -> None:
    photo = cv2.resize(data.astronaut(), (2048, 2048), interpolation=cv2.INTER_CUBIC)
    face = detector.detect(photo)[0]

    crop = face_crop(photo, face, max_side=96)
    small = face_crop(data.astronaut(), detector.detect(data.astronaut())[0], max_side=96)

    assert crop.shape == small.shape == (96, 96, 3)
    assert np.abs(crop.astype(int) - small.astype(int)).mean() < 20


def test_a_client_face_box_without_landmarks_is_cropped_unrotated_with_the_margin() -> None:
    image = np.arange(300 * 400 * 3, dtype=np.uint32).reshape(300, 400, 3).astype(np.uint8)

    crop = face_crop(image, Face(FaceBox(100, 100, 50, 50)), margin=0.2)

    assert crop.shape == (70, 70, 3)
    np.testing.assert_array_equal(crop, image[90:160, 90:160])


def test_it_rejects_a_margin_that_leaves_no_crop() -> None:
    with pytest.raises(ValueError, match="margin"):
        face_crop(np.zeros((50, 50, 3), np.uint8), Face(FaceBox(0, 0, 10, 10)), margin=-0.5)


def test_a_missing_or_altered_detector_file_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(FaceDetectorError, match="not found"):
        FaceDetector(tmp_path / "absent.onnx")
    altered = tmp_path / DEFAULT_DETECTOR.name
    altered.write_bytes(DEFAULT_DETECTOR.read_bytes()[:-1] + b"\0")
    (tmp_path / "SHA256SUMS").write_text((DEFAULT_DETECTOR.parent / "SHA256SUMS").read_text())
    with pytest.raises(FaceDetectorError, match="sha256"):
        FaceDetector(altered)


def test_a_file_that_is_no_model_fails_clearly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not an onnx model")
    with pytest.raises(FaceDetectorError, match="cannot load"):
        FaceDetector(broken)


@pytest.mark.parametrize("name", ["astronaut", "camera", "coffee", "hubble_deep_field"])
@pytest.mark.parametrize("size", [(512, 512), (333, 517), (640, 480)])
def test_yunet_on_onnxruntime_finds_what_opencvs_face_detector_finds(name: str, size: tuple[int, int]) -> None:
    """The decoding is OpenCV FaceDetectorYN's: same faces, boxes, landmarks and scores, low scores included."""
    detector = FaceDetector(confirm_threshold=0.05)
    picture = getattr(data, name)()
    rgb = picture if picture.ndim == 3 else np.repeat(picture[:, :, None], 3, axis=2)
    bgr = np.ascontiguousarray(cv2.resize(rgb[:, :, :3], size)[:, :, ::-1])
    opencv = cv2.FaceDetectorYN.create(str(DEFAULT_DETECTOR), "", size, 0.05, 0.3, 50)
    _, expected = opencv.detect(bgr)
    expected = np.zeros((0, 15)) if expected is None else expected[np.argsort(-expected[:, 14], kind="stable")]
    ours = detector.yunet(bgr)
    assert len(ours) == len(expected)
    if name in ("astronaut", "camera"):
        assert len(ours) > 0 and ours[0, 14] > 0.8
    np.testing.assert_allclose(ours, expected, atol=1e-3)


def test_a_client_face_box_is_parsed_from_text() -> None:
    assert FaceBox.parse("10,20,30,40") == FaceBox(10, 20, 30, 40)


@pytest.mark.parametrize("text", ["10,20,30", "a,b,c,d", "10,20,0,40", "-1,0,10,10"])
def test_a_malformed_client_face_box_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="face box"):
        FaceBox.parse(text)
