"""Face stage on phone-size photos: FER2013 val/ faces rendered into 12 MP and full-HD photos, worker code.

    python benchmarks/bench_phone_photos.py --checkpoint ml/weights/emotion_model.pt --data /tmp/fer2013/val \
        --faces 280 --haar 40 --margins 0,0.05,0.1,0.15,0.2,0.3

Each face is pasted (150-1500 px, scaled up from 48 px) onto a face-free natural background from
scikit-image (textures tiled, photos stretched) in a 4032x3024, 3024x4032 or 1920x1080 photo, saved as a
JPEG of quality 85-95, a quarter of them stored sideways with an EXIF orientation as phones do. Each photo
goes through the upload's `image_sanitize` (EXIF applied, re-encoded) and the worker's decode
(`emotions.images.stored_image_rgb`: 12 MP JPEGs decoded at half size) and `ml.faces.photo_face_crop`, then
the shipped classifier. Reported: faces found, end-to-end accuracy against the accuracy on the same bare
48 px faces, ms per photo for detection + alignment + crop on one core (and with the decode, for 12 MP),
faces found on face-free photos, the real portraits scikit-image ships at several sizes, YuNet's time per
pass on onnxruntime (what the worker runs) against OpenCV's DNN module on the first --runtimes 12 MP photos,
and (with --haar) the old Haar-cascade path on the first N photos. A table on stderr, one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import django_bench
import numpy as np
import torch
from numpy.typing import NDArray
from PIL import ExifTags, Image
from skimage import data as skdata

django_bench.setup()

from emotions.images import image_sanitize, stored_image_rgb  # noqa: E402
from ml.faces import (  # noqa: E402
    ALIGN_FACES,
    DEFAULT_DETECTOR,
    FACE_MARGIN,
    Face,
    FaceBox,
    FaceDetector,
    face_crop,
    photo_face_crop,
)
from ml.inference import EmotionClassifier  # noqa: E402
from training.data import list_image_folder  # noqa: E402

PHOTO_SIZES = ((4032, 3024), (3024, 4032), (1920, 1080))
TEXTURES = ("brick", "grass", "gravel")  # tiled at twice their size, so they stay sharp
PHOTOS = ("coffee", "rocket", "chelsea", "hubble_deep_field", "page", "horse", "coins")
# EXIF orientation -> how the sensor stored the upright picture (PIL transpose that makes the stored pixels).
SIDEWAYS = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270, 3: Image.Transpose.ROTATE_180}


@dataclass
class Photo:
    """One rendered photo: its JPEG bytes and where the face is in upright full-resolution pixels."""

    jpeg: bytes
    truth: FaceBox | None
    label: int = -1
    bare: NDArray[Any] | None = None
    name: str = ""


def background(name: str, width: int, height: int) -> NDArray[Any]:
    """A face-free RGB background of the given size from one of scikit-image's bundled pictures."""
    picture = getattr(skdata, name)()
    if picture.dtype == bool:  # the horse is a silhouette mask
        picture = np.where(picture, 255, 40).astype(np.uint8)
    if picture.ndim == 2:
        picture = np.repeat(picture[:, :, None], 3, axis=2)
    picture = np.ascontiguousarray(picture[:, :, :3])
    if name in TEXTURES:
        picture = cv2.resize(picture, (picture.shape[1] * 2, picture.shape[0] * 2), interpolation=cv2.INTER_CUBIC)
        reps = (math.ceil(height / picture.shape[0]), math.ceil(width / picture.shape[1]), 1)
        return np.ascontiguousarray(np.tile(picture, reps)[:height, :width])
    return cv2.resize(picture, (width, height), interpolation=cv2.INTER_LINEAR)


def encode_phone_jpeg(rgb: NDArray[Any], quality: int, orientation: int) -> bytes:
    """JPEG bytes as a phone writes them: pixels in sensor order plus an EXIF orientation tag."""
    image = Image.fromarray(rgb)
    exif = Image.Exif()
    if orientation in SIDEWAYS:
        image = image.transpose(SIDEWAYS[orientation])
        exif[ExifTags.Base.Orientation] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def render_face_photo(face: NDArray[Any], rng: np.random.Generator, *, context: float = 0.0) -> tuple[bytes, FaceBox]:
    """Paste a 48 px gray face, scaled to 150-1500 px (log-uniform), into a random phone photo.

    With `context` > 0 the face is pasted with that fraction of its side around it on every side, made by
    mirroring the face's edges: in a real photo the face continues into hair and ears past the FER frame,
    while a bare FER square ends in the background texture. The returned box is the FER square either way.
    """
    width, height = PHOTO_SIZES[rng.integers(len(PHOTO_SIZES))]
    names = TEXTURES + PHOTOS
    canvas = background(names[rng.integers(len(names))], width, height)
    scale = 1 + 2 * context
    side = round(math.exp(rng.uniform(math.log(150), math.log(min(1500, 0.9 * min(width, height) / scale)))))
    pad = round(side * context)
    x = int(rng.integers(pad, width - side - pad + 1))
    y = int(rng.integers(pad, height - side - pad + 1))
    border = round(face.shape[0] * context)
    framed = cv2.copyMakeBorder(face, border, border, border, border, cv2.BORDER_REFLECT_101)
    canvas[y - pad : y + side + pad, x - pad : x + side + pad] = cv2.resize(
        cv2.cvtColor(framed, cv2.COLOR_GRAY2RGB), (side + 2 * pad, side + 2 * pad), interpolation=cv2.INTER_CUBIC
    )
    orientation = int(rng.choice([1, 1, 1, 6, 8, 3], p=[0.25, 0.25, 0.25, 0.1, 0.1, 0.05]))
    return encode_phone_jpeg(canvas, int(rng.integers(85, 96)), orientation), FaceBox(x, y, side, side)


def worker_rgb(jpeg: bytes) -> tuple[NDArray[Any], float, float, int]:
    """What the worker decodes after the upload's sanitising: (upright RGB pixels, their scale against the
    photo as sent, decode ms, pixels as sent); 12 MP photos are stored and read at half size."""
    sanitized = image_sanitize(jpeg)
    started = time.perf_counter()
    with io.BytesIO(sanitized.content) as handle:
        rgb, scale = stored_image_rgb(handle)
    # Scale against the photo as sent (the stored one may already be reduced), where the truth boxes are.
    sent_pixels = sanitized.sent_width * sanitized.sent_height
    return rgb, scale * sanitized.scale, (time.perf_counter() - started) * 1000, sent_pixels


def yunet_runtimes(rgb: NDArray[Any], detector: FaceDetector) -> dict[str, float]:
    """ms of one YuNet pass at a 1/3 and a full-size copy of the photo: OpenCV's DNN module vs onnxruntime."""
    times = {}
    for factor in (3, 1):
        height, width = rgb.shape[0] // factor, rgb.shape[1] // factor
        bgr = np.ascontiguousarray(cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)[:, :, ::-1])
        opencv = cv2.FaceDetectorYN.create(str(DEFAULT_DETECTOR), "", (width, height), 0.4, 0.3, 50)
        runs: tuple[tuple[str, Callable[[NDArray[Any]], object]], ...] = (
            ("opencv", opencv.detect),
            ("onnxruntime", detector.yunet),
        )
        for name, run in runs:
            run(bgr)  # warm-up: first calls allocate
            started = time.perf_counter()
            run(bgr)
            times[f"{name} {width}x{height}"] = (time.perf_counter() - started) * 1000
    return times


def found(face: Face | None, truth: FaceBox) -> bool:
    """The detected face is the pasted one: its centre lies in the pasted square and its size fits."""
    if face is None:
        return False
    cx, cy = face.box.x + face.box.w / 2, face.box.y + face.box.h / 2
    inside = truth.x <= cx <= truth.x + truth.w and truth.y <= cy <= truth.y + truth.h
    return inside and 0.3 * truth.w <= face.box.w <= 1.6 * truth.w


def haar_faces(rgb: NDArray[Any]) -> list[FaceBox]:
    """The previous face stage, for comparison: Haar cascade on the full photo, largest box first."""
    cascade = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"))  # type: ignore[attr-defined]
    gray = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    found_boxes = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
    boxes = [FaceBox(int(x), int(y), int(w), int(h)) for (x, y, w, h) in np.asarray(found_boxes).reshape(-1, 4)]
    return sorted(boxes, key=lambda b: -b.area)


def percentile(values: Sequence[float], q: float) -> float:
    """q-th percentile (0-100) of values, 0 for none."""
    return float(np.percentile(values, q)) if values else 0.0


def get_args_parser() -> argparse.ArgumentParser:
    """Command-line options of the benchmark."""
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--checkpoint", type=Path, default=Path("ml/weights/emotion_model.pt"))
    p.add_argument("--data", type=Path, default=Path("/tmp/fer2013/val"), help="FER2013 val/ (ImageFolder)")
    p.add_argument("--faces", type=int, default=280, help="face photos to render (sampled from DATA)")
    p.add_argument("--margins", default="", help="also score these crop margins, e.g. 0,0.1,0.2 (framing study)")
    p.add_argument("--haar", type=int, default=0, help="also run the old Haar path on the first N face photos")
    p.add_argument(
        "--context", type=float, default=0.0,
        help="paste each face with this fraction of its side of mirrored surroundings (0: the bare FER square)",
    )  # fmt: skip
    p.add_argument("--runtimes", type=int, default=20, help="12 MP photos timed on both YuNet runtimes")
    p.add_argument("--seed", type=int, default=0)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Render the photos, run the face stage and the classifier, print the report."""
    args = get_args_parser().parse_args(argv)
    # One core, as the target says; the classifier's own speed is benchmarked by bench_inference.py.
    cv2.setNumThreads(1)
    torch.set_num_threads(1)
    load_before = round(os.getloadavg()[0], 2)
    rng = np.random.default_rng(args.seed)
    classifier = EmotionClassifier.from_checkpoint(args.checkpoint)
    detector = FaceDetector()
    classes, samples = list_image_folder(args.data)
    if tuple(classes) != classifier.labels:
        raise SystemExit(f"{args.data} classes {classes} differ from the model's labels {classifier.labels}")
    picks = rng.choice(len(samples), size=min(args.faces, len(samples)), replace=False)

    photos: list[Photo] = []
    for i in picks:
        path, label = samples[int(i)]
        face = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        if face is None:
            raise SystemExit(f"cannot read {path}")
        jpeg, truth = render_face_photo(face, rng, context=args.context)
        photos.append(Photo(jpeg, truth, label, cv2.cvtColor(face, cv2.COLOR_GRAY2RGB), path.name))
    for name in TEXTURES + PHOTOS:
        for width, height in PHOTO_SIZES:
            jpeg = encode_phone_jpeg(background(name, width, height), 90, 1)
            photos.append(Photo(jpeg, None, name=f"{name} {width}x{height}"))
    portraits = []
    for name, scales in (("astronaut", (1.6, 3.0, 6.7, 13.3)), ("camera", (1.0, 2.0, 4.0))):
        for scale in scales:
            picture = getattr(skdata, name)()
            picture = picture if picture.ndim == 3 else np.repeat(picture[:, :, None], 3, axis=2)
            canvas = background("grass", 4032, 3024)
            size = min(3024, round(picture.shape[0] * scale))
            canvas[:size, :size] = cv2.resize(picture, (size, size), interpolation=cv2.INTER_CUBIC)
            portraits.append((f"{name} x{scale} in 4032x3024", encode_phone_jpeg(canvas, 90, 6)))

    margins = sorted({FACE_MARGIN, *(float(m) for m in args.margins.split(",") if m.strip())})
    crops: dict[str, list[NDArray[Any] | None]] = {f"margin {m:g}": [] for m in margins}
    other_alignment = f"margin {FACE_MARGIN:g}, {'no alignment' if ALIGN_FACES else 'eyes levelled'}"
    crops[other_alignment] = []
    crops["the pasted square itself (oracle framing)"] = []
    timings: list[float] = []
    timings_12mp: list[float] = []
    # CPU time of the same call: on a machine shared with other jobs, what the stage costs one idle core.
    cpu_12mp: list[float] = []
    decode_timings: list[float] = []
    worker_12mp: list[float] = []  # the worker's decode + face stage
    hits: list[bool] = []
    false_photos: list[bool] = []
    false_scores: list[float] = []
    haar_rows: list[tuple[bool, float, NDArray[Any] | None, int]] = []
    runtime_rows: list[dict[str, float]] = []
    for index, photo in enumerate(photos):
        rgb, scale, decode_ms, sent_pixels = worker_rgb(photo.jpeg)
        started, cpu_started = time.perf_counter(), time.process_time()
        crop = photo_face_crop(rgb, detector)  # the worker's exact call: detection + alignment + crop
        timings.append((time.perf_counter() - started) * 1000)
        cpu_ms = (time.process_time() - cpu_started) * 1000
        decode_timings.append(decode_ms)
        if sent_pixels >= 12_000_000:
            timings_12mp.append(timings[-1])
            cpu_12mp.append(cpu_ms)
            worker_12mp.append(timings[-1] + decode_ms)
            if len(runtime_rows) < args.runtimes and rgb.shape[1] > rgb.shape[0]:  # one orientation: same sizes
                runtime_rows.append(yunet_runtimes(rgb, detector))
        truth_box = photo.truth.scaled(scale) if photo.truth is not None else None
        faces = detector.detect(rgb)
        if truth_box is None:
            false_photos.append(bool(faces))
            false_scores.extend(f.score for f in faces)
            continue
        first = faces[0] if faces else None
        hits.append(found(first, truth_box))
        for m in margins:
            crops[f"margin {m:g}"].append(face_crop(rgb, first, margin=m, align=ALIGN_FACES) if first else None)
        crops[other_alignment].append(
            face_crop(rgb, first, margin=FACE_MARGIN, align=not ALIGN_FACES) if first else None
        )
        crops["the pasted square itself (oracle framing)"].append(face_crop(rgb, Face(truth_box), margin=0))
        assert crop is None or first is not None
        if index < args.haar:
            started = time.perf_counter()
            boxes = haar_faces(rgb)
            ms = (time.perf_counter() - started) * 1000
            haar_crop = face_crop(rgb, Face(boxes[0]), margin=0.2, align=False) if boxes else None
            haar_rows.append((found(Face(boxes[0]) if boxes else None, truth_box), ms, haar_crop, index))
        if (index + 1) % 50 == 0:
            print(f"  {index + 1}/{len(photos)} photos", file=sys.stderr, flush=True)

    face_photos = [p for p in photos if p.truth is not None]
    targets = np.array([p.label for p in face_photos])
    bare_pred = classifier.predict_proba([p.bare for p in face_photos if p.bare is not None]).argmax(1)
    bare_acc = float((bare_pred == targets).mean())

    def accuracy(batch: list[NDArray[Any] | None], rows: Sequence[int] | None = None) -> float:
        rows = list(range(len(batch))) if rows is None else list(rows)
        readable = [i for i in rows if batch[i] is not None]
        pred = np.full(len(batch), -1)
        if readable:
            pred[readable] = classifier.predict_proba([batch[i] for i in readable]).argmax(1)  # type: ignore[misc]
        return float((pred[rows] == targets[rows]).mean())

    framing = {name: round(accuracy(batch), 4) for name, batch in crops.items()}
    found_rows = [i for i, hit in enumerate(hits) if hit]
    shipped = framing[f"margin {FACE_MARGIN:g}"]
    portrait_rows = []
    for name, jpeg in portraits:
        rgb = worker_rgb(jpeg)[0]
        crop = photo_face_crop(rgb, detector)
        prediction = classifier.predict([crop])[0] if crop is not None else None
        portrait_rows.append(
            {
                "photo": name,
                "face_found": crop is not None,
                "label": prediction.label if prediction else None,
                "confidence": round(prediction.confidence, 3) if prediction else None,
            }
        )
    report: dict[str, Any] = {
        "checkpoint": str(args.checkpoint),
        "model_version": classifier.version,
        "context": args.context,
        "face_photos": len(face_photos),
        "face_free_photos": len(false_photos),
        "detection_rate": round(float(np.mean(hits)), 4),
        "face_free_photos_with_a_face": int(sum(false_photos)),
        "max_score_on_face_free": round(max(false_scores), 3) if false_scores else None,
        "bare_face_accuracy": round(bare_acc, 4),
        "end_to_end_accuracy": shipped,
        "gap_points": round(100 * (bare_acc - shipped), 2),
        # The same comparison on the faces found only: what framing costs, apart from the faces missed.
        "found_faces_end_to_end_accuracy": round(accuracy(crops[f"margin {FACE_MARGIN:g}"], found_rows), 4),
        "found_faces_bare_accuracy": round(float((bare_pred[found_rows] == targets[found_rows]).mean()), 4),
        "framing_accuracy": framing,
        "ms_per_photo_p50": round(percentile(timings, 50), 1),
        "ms_per_photo_p95": round(percentile(timings, 95), 1),
        "ms_per_12mp_photo_p50": round(percentile(timings_12mp, 50), 1),
        "ms_per_12mp_photo_p95": round(percentile(timings_12mp, 95), 1),
        "cpu_ms_per_12mp_photo_p50": round(percentile(cpu_12mp, 50), 1),
        "cpu_ms_per_12mp_photo_p95": round(percentile(cpu_12mp, 95), 1),
        "decode_ms_p50": round(percentile(decode_timings, 50), 1),
        "worker_ms_per_12mp_photo_p50": round(percentile(worker_12mp, 50), 1),
        "worker_ms_per_12mp_photo_p95": round(percentile(worker_12mp, 95), 1),
        "yunet_ms_per_pass_median": {
            key: round(statistics.median(row[key] for row in runtime_rows), 1) for key in runtime_rows[0]
        }
        if runtime_rows
        else {},
        "portraits": portrait_rows,
        "loadavg_1m_before": load_before,
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
    }
    if haar_rows:
        rows = [r[3] for r in haar_rows]
        haar_batch: list[NDArray[Any] | None] = [None] * len(face_photos)
        for _, _, c, i in haar_rows:
            haar_batch[i] = c
        report["haar_first_n"] = {
            "photos": len(haar_rows),
            "detection_rate": round(float(np.mean([r[0] for r in haar_rows])), 4),
            "end_to_end_accuracy": round(accuracy(haar_batch, rows), 4),
            "yunet_end_to_end_accuracy_same_photos": round(accuracy(crops[f"margin {FACE_MARGIN:g}"], rows), 4),
            "bare_face_accuracy_same_photos": round(float((bare_pred[rows] == targets[rows]).mean()), 4),
            "ms_per_photo_p50": round(statistics.median(r[1] for r in haar_rows), 1),
        }
    print(json.dumps(report, indent=None))
    print(
        f"faces found {report['detection_rate']:.1%} of {len(face_photos)}; false faces on "
        f"{report['face_free_photos_with_a_face']} of {len(false_photos)} face-free photos; end-to-end "
        f"{shipped:.4f} vs bare {bare_acc:.4f} ({report['gap_points']:+.2f} points); "
        f"{report['ms_per_photo_p50']} / {report['ms_per_photo_p95']} ms per photo (p50/p95)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
