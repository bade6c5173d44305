"""Face detection (YuNet on onnxruntime), eye-level alignment and face crops.

One code path for the worker, `training.evaluate` on whole photos and the benchmarks: `FaceDetector.detect`
finds faces on a downscaled copy of the photo and reports them in full-resolution pixels, most confident
first; `face_crop` cuts a square, eye-level crop from the full-resolution image, framed like the FER2013
training faces.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import onnxruntime
from numpy.typing import NDArray

DETECTOR_DIR = Path(__file__).resolve().parent / "weights" / "yunet"
DEFAULT_DETECTOR = DETECTOR_DIR / "face_detection_yunet_2026may.onnx"
# YuNet scores: a face scoring SCORE_THRESHOLD is kept unless vetoed, one from CONFIRM_THRESHOLD up only if confirmed.
SCORE_THRESHOLD = 0.8
CONFIRM_THRESHOLD = 0.25
# The judge of YuNet's faces: MTCNN's output network (ONet, 48x48 RGB in, face probability out; MIT licence via
# facenet-pytorch, converted by training/import_onet.py), shown the face levelled by YuNet's eye landmarks
# (the faces YuNet is unsure of are mostly tilted ones). Chosen on the benchmark's photos of seeds 0 and 1 and
# checked on seeds 2 and 3 and 122 face-free photos (docs/BENCHMARKS.md): with the 1008 px pass below it finds
# 96.5-98% of the faces of the fresh seeds (94-95% before) and no face in a face-free photo; the levelled face
# let 0.9 replace 0.97 without a false face, and OpenCV's Haar cascade, the former second judge, only added
# false faces once doubtful faces start at 0.25. < 0.1 vetoes the Hubble galaxy YuNet scores 0.80.
DEFAULT_VERIFIER = Path(__file__).resolve().parent / "weights" / "mtcnn" / "onet.onnx"
VERIFIER_CONFIRM = 0.9  # a doubtful face with at least this face probability is kept
VERIFIER_VETO = 0.1  # a confident face with less than this is dropped
VERIFIER_SIDE = 48
# Only the most confident doubtful faces of a pass are shown to the verifier.
CONFIRM_TOP = 5
# YuNet's non-maximum suppression and candidate limit (OpenCV FaceDetectorYN's nms_threshold and top_k).
NMS_THRESHOLD = 0.3
TOP_K = 50
# Long sides of the detection passes (see FaceDetector); images below MIN_IMAGE_SIDE or more elongated
# than MAX_ASPECT hold no readable face.
DETECT_SIDES = (640, 1008, 1344)
MIN_IMAGE_SIDE = 32
MAX_ASPECT = 6.0

# Framing of the crop: a square over the box's longer side, plus this fraction of it on every side. Measured
# on FER2013 val faces pasted into phone photos (label-free geometry, 107 faces): the training faces' own
# square is 0.98x YuNet's longer box side (IQR 0.91-1.08), centred within 3% of the box centre. Accuracy
# through the worker's path agreed (margins -0.05 and 0 best; 0.1 lost 4.5 points, 0.2 lost 11); docs/BENCHMARKS.md.
FACE_MARGIN = 0.0
# Eye-level alignment measured worse than none (FER2013 training faces are not aligned: the model learned
# faces with their natural tilt), so the worker crops unrotated; `face_crop(align=True)` stays available.
ALIGN_FACES = False
# Crops are never larger than this (the model reads 48 px): big faces are shrunk with area averaging.
CROP_MAX_SIDE = 192

# YuNet's heads: one grid per stride, the input padded to a multiple of the largest; outputs in this order.
YUNET_STRIDES = (8, 16, 32)
YUNET_OUTPUTS = tuple(f"{head}_{stride}" for head in ("cls", "obj", "bbox", "kps") for stride in YUNET_STRIDES)


class FaceDetectorError(Exception):
    """The face detector file is missing, altered or cannot be loaded."""


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

    def scaled(self, scale: float) -> FaceBox:
        """The same box in an image scaled by `scale` (a photo stored or decoded at reduced size)."""
        if scale == 1.0:
            return self
        return FaceBox(
            round(self.x * scale), round(self.y * scale), max(1, round(self.w * scale)), max(1, round(self.h * scale))
        )

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


@dataclass(frozen=True)
class Face:
    """A detected face: its box, the detector's confidence and five landmarks (full-resolution pixels).

    Landmarks, in YuNet's order: the person's right eye (left in the image), left eye, nose tip, right and
    left mouth corner. A face box sent by a phone has no landmarks and is cropped without alignment.
    """

    box: FaceBox
    score: float = 1.0
    landmarks: tuple[tuple[float, float], ...] = ()

    def roll_degrees(self) -> float:
        """Angle of the line from the right eye to the left eye (0 = eyes level; positive = clockwise tilt)."""
        if len(self.landmarks) < 2:
            return 0.0
        (rx, ry), (lx, ly) = self.landmarks[0], self.landmarks[1]
        return math.degrees(math.atan2(ly - ry, lx - rx))


def _check_image(image: NDArray[Any]) -> None:
    if image.dtype != np.uint8 or image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3)):
        raise ValueError(f"expected a uint8 HxWx3 RGB or HxW gray image, got {image.dtype} {image.shape}")


def _verify_sha256(path: Path) -> None:
    """Compare the file with the SHA256SUMS beside it (when present): a swapped model fails loudly."""
    sums = path.parent / "SHA256SUMS"
    if not sums.is_file():
        return
    expected = {
        name.strip(): digest for digest, _, name in (line.partition(" ") for line in sums.read_text().splitlines())
    }
    digest = expected.get(path.name) or expected.get(f"*{path.name}")
    if digest is None:
        return
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != digest.strip():
        raise FaceDetectorError(f"{path} does not match its sha256 in {sums} ({actual[:12]} != {digest[:12]})")


def _session(path: Path, num_threads: int) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = num_threads
    options.inter_op_num_threads = 1
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types for unreadable models
        raise FaceDetectorError(f"cannot load {path}: {exc}") from exc


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def decode_yunet(
    outputs: list[NDArray[Any]],
    pad_width: int,
    pad_height: int,
    score_threshold: float,
    nms_threshold: float,
    top_k: int,
) -> NDArray[np.float32]:
    """YuNet's raw head outputs as faces: rows of (x, y, w, h, 5 landmark x/y pairs, score), most confident first.

    The decoding of OpenCV's `FaceDetectorYN` (modules/objdetect/src/face_detect.cpp): per grid cell of each
    stride, score = sqrt(cls * obj) (both clipped to [0, 1]); box centre = (cell + offset) * stride, box side =
    exp(log-side) * stride; landmarks = (cell + offset) * stride; then non-maximum suppression on the integer
    boxes. Pixels are those of the (unpadded) input. A test checks it against OpenCV's own detector.
    """
    found = []
    count = len(YUNET_STRIDES)
    for i, stride in enumerate(YUNET_STRIDES):
        cols = pad_width // stride
        cls = np.clip(outputs[i].reshape(-1), 0.0, 1.0)
        obj = np.clip(outputs[i + count].reshape(-1), 0.0, 1.0)
        scores = np.sqrt(cls * obj)
        cells = np.flatnonzero(scores >= score_threshold)
        if cells.size == 0:
            continue
        bbox = outputs[i + 2 * count].reshape(-1, 4)[cells]
        kps = outputs[i + 3 * count].reshape(-1, 10)[cells]
        col = (cells % cols).astype(np.float32)[:, None]
        row = (cells // cols).astype(np.float32)[:, None]
        size = np.exp(bbox[:, 2:4]) * stride
        corner = (np.hstack([col, row]) + bbox[:, 0:2]) * stride - size / 2
        marks = np.empty_like(kps)
        marks[:, 0::2] = (kps[:, 0::2] + col) * stride
        marks[:, 1::2] = (kps[:, 1::2] + row) * stride
        found.append(np.hstack([corner, size, marks, scores[cells, None]]).astype(np.float32))
    if not found:
        return np.zeros((0, 15), np.float32)
    faces = np.vstack(found)
    if len(faces) > 1:
        boxes = [tuple(int(v) for v in face[:4]) for face in faces]  # OpenCV suppresses on Rect2i boxes
        keep = cv2.dnn.NMSBoxes(boxes, faces[:, 14].tolist(), score_threshold, nms_threshold, top_k=top_k)
        faces = faces[np.asarray(keep, dtype=np.int64).reshape(-1)]
    return faces[np.argsort(-faces[:, 14], kind="stable")]


class FaceDetector:
    """YuNet face detector: finds faces on downscaled copies of a photo and maps them back to full resolution.

    YuNet runs on onnxruntime (2.5-3.5x faster than OpenCV's DNN module on one core, docs/BENCHMARKS.md),
    decoded as OpenCV's FaceDetectorYN decodes it (`decode_yunet`). It is fast on a copy with a long side of
    about 640 px and finds faces from about 30 px there, but a 150 px face in a 4032 px photo shrinks to
    24 px: when the first size finds nothing, the next (larger) one is tried, so the common case stays cheap
    and small faces are still found.

    A face scoring at least `score_threshold` is kept unless MTCNN's ONet, a second network, finds no face
    in it (`face_probability` < `verifier_veto`: a galaxy YuNet took for a face); one scoring between
    `confirm_threshold` and that is kept only when ONet finds a face there (>= `verifier_confirm`): small,
    blurred or tilted faces score low on YuNet, and so do the face-like textures it mistakes for faces, but
    the two networks rarely make the same mistake.

    Thread-safe: the onnxruntime sessions are shared (their `run` is thread-safe).
    """

    def __init__(
        self,
        path: str | Path = DEFAULT_DETECTOR,
        *,
        score_threshold: float = SCORE_THRESHOLD,
        confirm_threshold: float | None = CONFIRM_THRESHOLD,
        confirm_top: int = CONFIRM_TOP,
        nms_threshold: float = NMS_THRESHOLD,
        top_k: int = TOP_K,
        detect_sides: tuple[int, ...] = DETECT_SIDES,
        min_image_side: int = MIN_IMAGE_SIDE,
        max_aspect: float = MAX_ASPECT,
        num_threads: int = 1,
        verifier: str | Path | None = DEFAULT_VERIFIER,
        verifier_confirm: float = VERIFIER_CONFIRM,
        verifier_veto: float = VERIFIER_VETO,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FaceDetectorError(f"face detector not found: {self.path}")
        _verify_sha256(self.path)
        if confirm_threshold is not None and not 0 < confirm_threshold <= score_threshold:
            raise ValueError(f"confirm_threshold must lie in (0, {score_threshold}], got {confirm_threshold}")
        if num_threads < 1:
            raise ValueError(f"num_threads must be >= 1, got {num_threads}")
        self.score_threshold = score_threshold
        self.confirm_threshold = confirm_threshold
        self.lowest_score = score_threshold if confirm_threshold is None else confirm_threshold
        self.confirm_top = confirm_top
        self.nms_threshold = nms_threshold
        self.top_k = top_k
        self.detect_sides = detect_sides
        self.min_image_side = min_image_side
        self.max_aspect = max_aspect
        self.verifier_confirm = verifier_confirm
        self.verifier_veto = verifier_veto
        # Loaded now, so that a broken file fails at start-up, not on the first photo.
        self._session = _session(self.path, num_threads)
        self._verifier = None
        if verifier is not None:
            self.verifier_path: Path | None = Path(verifier)
            if not self.verifier_path.is_file():
                raise FaceDetectorError(f"face verifier not found: {self.verifier_path}")
            _verify_sha256(self.verifier_path)
            self._verifier = _session(self.verifier_path, num_threads)
        else:
            self.verifier_path = None
        names = {output.name for output in self._session.get_outputs()}
        if not set(YUNET_OUTPUTS) <= names:
            raise FaceDetectorError(f"{self.path} is not a YuNet model: outputs {sorted(names)}")
        self._input = self._session.get_inputs()[0].name

    def yunet(self, bgr: NDArray[Any]) -> NDArray[np.float32]:
        """YuNet's faces in a BGR uint8 image as it is (no resizing): rows as `decode_yunet` returns them."""
        height, width = bgr.shape[:2]
        divisor = YUNET_STRIDES[-1]
        pad_height, pad_width = -(-height // divisor) * divisor, -(-width // divisor) * divisor
        # What OpenCV feeds it: BGR 0-255 as float, zero-padded on the right and bottom, no scaling.
        blob = np.zeros((1, 3, pad_height, pad_width), np.float32)
        blob[0, :, :height, :width] = bgr.transpose(2, 0, 1)
        outputs = self._session.run(list(YUNET_OUTPUTS), {self._input: blob})
        return decode_yunet(outputs, pad_width, pad_height, self.lowest_score, self.nms_threshold, self.top_k)

    def face_probability(self, rgb: NDArray[Any], face: Face) -> float:
        """How likely MTCNN's ONet finds the face's square to be a face (1.0 without a verifier).

        ONet sees what the classifier would read, levelled: the square over the box's longer side, rotated
        so that YuNet's eye landmarks are level (`face_crop`; edge pixels repeated past the photo's border),
        area-resized to 48x48 RGB, (pixels - 127.5) / 128 as MTCNN feeds it. Levelling matters: ONet knows
        upright faces, and the faces YuNet is unsure of are often tilted ones.
        """
        if self._verifier is None:
            return 1.0
        try:
            square = face_crop(rgb, face, align=True)
        except ValueError:  # a box outside the photo holds no face
            return 0.0
        if square.ndim == 2 or square.shape[2] == 1:
            square = cv2.cvtColor(square.reshape(square.shape[:2]), cv2.COLOR_GRAY2RGB)
        small = cv2.resize(square, (VERIFIER_SIDE, VERIFIER_SIDE), interpolation=cv2.INTER_AREA)
        blob = ((small.astype(np.float32) - 127.5) * 0.0078125).transpose(2, 0, 1)[None]
        (probability,) = self._verifier.run(None, {"input": blob})
        return float(probability.reshape(-1)[0])

    def detect(self, rgb: NDArray[Any]) -> list[Face]:
        """Faces in an RGB (or gray) uint8 image, most confident first; [] for tiny or extreme-aspect images."""
        _check_image(rgb)
        height, width = rgb.shape[:2]
        # YuNet answers a 1x1 image with a garbage box, and a sliver cannot hold a readable face.
        if min(height, width) < self.min_image_side or max(height, width) > self.max_aspect * min(height, width):
            return []
        tried: set[int] = set()
        for side in self.detect_sides:
            # The largest whole factor that keeps at least `side` pixels: a 2016 px photo (a 12 MP one as
            # stored) gets passes at 672, 1008 and 2016 px, a 4032 px one at 672, 1008 and 1344.
            factor = max(1, max(height, width) // side)
            if factor in tried:
                continue
            tried.add(factor)
            faces = self._kept(rgb, self._detect_at(rgb, factor))
            if faces:
                return faces
        return []

    def _kept(self, rgb: NDArray[Any], faces: list[Face]) -> list[Face]:
        """The confident faces the verifier does not veto, and the doubtful ones among the first `confirm_top`
        that it confirms (without a verifier: the confident faces only)."""
        kept = []
        for rank, face in enumerate(faces):
            if face.score >= self.score_threshold:
                if self.face_probability(rgb, face) >= self.verifier_veto:
                    kept.append(face)
            elif (
                self._verifier is not None
                and rank < self.confirm_top
                and self.face_probability(rgb, face) >= self.verifier_confirm
            ):
                kept.append(face)
        return kept

    def _detect_at(self, rgb: NDArray[Any], factor: int) -> list[Face]:
        """Faces found on a copy shrunk by a whole `factor`, in full-resolution pixels, most confident first."""
        height, width = rgb.shape[:2]
        # Shrink by a whole factor: OpenCV's area averaging has a fast path for integer factors (about 4x
        # faster on a 12 MP photo than an arbitrary one), and the few edge pixels cut off hold no face.
        scale = 1.0 / factor
        small = rgb
        if factor > 1:
            cut = rgb[: height - height % factor, : width - width % factor]
            small = cv2.resize(cut, (cut.shape[1] // factor, cut.shape[0] // factor), interpolation=cv2.INTER_AREA)
        if small.ndim == 2 or small.shape[2] == 1:
            bgr = cv2.cvtColor(small.reshape(small.shape[0], small.shape[1]), cv2.COLOR_GRAY2BGR)
        else:
            bgr = small[:, :, ::-1]  # YuNet was trained on BGR input
        faces = []
        for row in self.yunet(bgr):
            x0, y0 = max(0.0, row[0] / scale), max(0.0, row[1] / scale)
            x1, y1 = min(float(width), (row[0] + row[2]) / scale), min(float(height), (row[1] + row[3]) / scale)
            if x1 - x0 < 1 or y1 - y0 < 1:
                continue
            box = FaceBox(round(x0), round(y0), max(1, round(x1 - x0)), max(1, round(y1 - y0)))
            marks = tuple((float(row[4 + 2 * i] / scale), float(row[5 + 2 * i] / scale)) for i in range(5))
            faces.append(Face(box, float(row[14]), marks))
        return sorted(faces, key=lambda f: -f.score)


def face_crop(
    rgb: NDArray[Any],
    face: Face,
    *,
    margin: float = FACE_MARGIN,
    align: bool = True,
    max_side: int = CROP_MAX_SIDE,
) -> NDArray[Any]:
    """Square crop centred on the face, rotated so that the eyes are level, at most `max_side` pixels.

    At the image border the square stays centred on the face (the missing part repeats the edge pixels):
    a square shifted into the image would frame the face off-centre, unlike any training face.
    Large faces are shrunk with area averaging before the rotation, so the crop does not alias.
    """
    _check_image(rgb)
    if margin <= -0.5:
        raise ValueError(f"margin must be > -0.5 (a negative one crops inside the box), got {margin}")
    height, width = rgb.shape[:2]
    box = face.box
    side = max(box.w, box.h) * (1 + 2 * margin)
    out = max(1, min(round(side), max_side))
    angle = face.roll_degrees() if align else 0.0
    rad = math.radians(angle)
    # Half-extent of the rotated square's axis-aligned bounding box: the only pixels the crop can read.
    half = side * (abs(math.cos(rad)) + abs(math.sin(rad))) / 2 + 1
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    x0, y0 = max(0, math.floor(cx - half)), max(0, math.floor(cy - half))
    x1, y1 = min(width, math.ceil(cx + half)), min(height, math.ceil(cy + half))
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"face box {box} lies outside the {width}x{height} image")
    region = rgb[y0:y1, x0:x1]
    scale = out / side
    if scale < 1.0:
        size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
        region = cv2.resize(region, size, interpolation=cv2.INTER_AREA)
        sx, sy = size[0] / (x1 - x0), size[1] / (y1 - y0)
    else:
        sx = sy = 1.0
    rcx, rcy = (cx - x0) * sx, (cy - y0) * sy
    # Rotating the image by +angle (counter-clockwise in OpenCV's convention) levels an eye line tilted
    # clockwise by angle; then the face centre is moved to the centre of the output square.
    matrix = cv2.getRotationMatrix2D((rcx, rcy), angle, 1.0)
    matrix[0, 2] += out / 2 - rcx
    matrix[1, 2] += out / 2 - rcy
    crop = cv2.warpAffine(
        np.ascontiguousarray(region), matrix, (out, out), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return crop.reshape(out, out, *rgb.shape[2:])


def photo_face_crop(
    rgb: NDArray[Any], detector: FaceDetector, *, face_box: FaceBox | None = None, margin: float = FACE_MARGIN
) -> NDArray[Any] | None:
    """The crop the classifier reads from a whole photo, or None when it holds no face.

    The one face stage of the worker, `training.evaluate --photos` and the benchmarks. A face box from the
    phone (full-resolution pixels after EXIF orientation) replaces detection and is cropped unrotated;
    otherwise the most confident face is read, not the largest box.
    """
    if face_box is not None:
        return face_crop(rgb, Face(face_box), margin=margin)
    faces = detector.detect(rgb)
    return face_crop(rgb, faces[0], margin=margin, align=ALIGN_FACES) if faces else None
