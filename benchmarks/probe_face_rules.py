"""How the face stage's thresholds were chosen: every rule tried on the same cached candidates.

    cd benchmarks && ../.venv/bin/python probe_face_rules.py --data /tmp/fer2013/val --tune 0,1 --check 2,3

Renders the photos of `bench_phone_photos.py` (same seeds, same photos) and, for each, keeps every YuNet
candidate scoring >= 0.2 at each detection pass the face stage can run (the photo shrunk by the whole
factors of DETECT_SIDES 640 / 1008 / 1344 px, and full size), with MTCNN ONet's face probability on the
face levelled by its eye landmarks and on the square as it lies. Face-free photos: the benchmark's 30 plus
the other pictures scikit-image ships and zoomed, turned crops of all of them. Then each rule (passes,
lowest doubtful score, ONet's bar to confirm, levelled or not) is replayed on the cache: faces found on the
tuning seeds and on the check seeds (not looked at while choosing), and face-free photos with a face.
The candidates are cached (--cache), so trying other rules costs seconds. A table on stdout.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench_phone_photos as bench
import cv2
import numpy as np
from numpy.typing import NDArray
from tqdm import tqdm

from ml.faces import DETECT_SIDES, SCORE_THRESHOLD, VERIFIER_VETO, Face, FaceBox, FaceDetector
from training.data import list_image_folder

LOWEST = 0.2  # candidates kept in the cache
EXTRA_FREE = ("cell", "clock", "colorwheel", "immunohistochemistry", "logo", "microaneurysms", "moon", "retina", "text")


@dataclass
class Candidate:
    """One YuNet candidate of one pass, with what the judges say about it."""

    factor: int
    rank: int
    score: float
    true: bool  # the pasted face (bench_phone_photos.found)
    levelled: float  # ONet on the face levelled by its eye landmarks (what the face stage does)
    as_it_lies: float  # ONet on the unrotated square


@dataclass
class Photo:
    """The candidates of one photo, and its long side (which fixes the factor of each pass)."""

    long_side: int
    candidates: list[Candidate]


def factors(long_side: int, sides: Sequence[int]) -> list[int]:
    """The whole factors of the face stage's passes (FaceDetector.detect), in the order it tries them."""
    return list(dict.fromkeys(max(1, long_side // side) for side in sides))


def candidates(rgb: NDArray[Any], truth: FaceBox | None, detector: FaceDetector) -> Photo:
    """Every candidate >= LOWEST of every pass the face stage may run on this photo."""
    long_side = max(rgb.shape[:2])
    found = []
    for factor in factors(long_side, (*DETECT_SIDES, long_side)):
        for rank, face in enumerate(detector._detect_at(rgb, factor)):
            found.append(
                Candidate(
                    factor,
                    rank,
                    face.score,
                    truth is not None and bench.found(face, truth),
                    detector.face_probability(rgb, face),
                    detector.face_probability(rgb, Face(face.box, face.score)),
                )
            )
    return Photo(long_side, found)


def face_free_photos() -> list[tuple[str, bytes]]:
    """The benchmark's face-free photos, the other bundled pictures, and zoomed, turned crops of all."""
    rng = np.random.default_rng(7)
    photos = []
    for name in bench.TEXTURES + bench.PHOTOS + EXTRA_FREE:
        for width, height in bench.PHOTO_SIZES:
            photos.append(
                (f"{name} {width}x{height}", bench.encode_phone_jpeg(bench.background(name, width, height), 90, 1))
            )
        for width, height in bench.PHOTO_SIZES[:2]:
            zoom = rng.uniform(1.2, 2.0)
            big = bench.background(name, width * 2, height * 2)
            crop_w, crop_h = int(width * 2 / zoom), int(height * 2 / zoom)
            x, y = int(rng.integers(0, width * 2 - crop_w + 1)), int(rng.integers(0, height * 2 - crop_h + 1))
            picture = cv2.resize(np.ascontiguousarray(big[y : y + crop_h, x : x + crop_w]), (width, height))
            photos.append((f"{name} x{zoom:.2f} turned", bench.encode_phone_jpeg(np.rot90(picture, 2).copy(), 90, 1)))
    return photos


def build_cache(data: Path, seeds: Sequence[int], faces: int) -> dict[str, list[Photo]]:
    """Candidates per photo: one list per seed ("seed N") and one for the face-free photos ("free")."""
    detector = FaceDetector(confirm_threshold=LOWEST)
    _, samples = list_image_folder(data)
    cache: dict[str, list[Photo]] = {}
    for seed in seeds:
        rng = np.random.default_rng(seed)  # the benchmark's order of draws: the same photos
        picks = rng.choice(len(samples), size=min(faces, len(samples)), replace=False)
        rows = []
        for i in tqdm(picks, desc=f"seed {seed}", file=sys.stderr):
            face = cv2.imread(str(samples[int(i)][0]), cv2.IMREAD_GRAYSCALE)
            if face is None:
                raise SystemExit(f"cannot read {samples[int(i)][0]}")
            jpeg, truth = bench.render_face_photo(face, rng)
            rgb, scale, _, _ = bench.worker_rgb(jpeg)
            rows.append(candidates(rgb, truth.scaled(scale), detector))
        cache[f"seed {seed}"] = rows
    cache["free"] = [
        candidates(bench.worker_rgb(jpeg)[0], None, detector)
        for _, jpeg in tqdm(face_free_photos(), desc="face-free", file=sys.stderr)
    ]
    return cache


@dataclass(frozen=True)
class Rule:
    """A face-stage rule: the passes' long sides, doubtful faces from `lowest`, ONet's bars."""

    sides: tuple[int, ...]
    lowest: float
    confirm: float
    levelled: bool
    veto: float = VERIFIER_VETO
    sure: float = SCORE_THRESHOLD
    top: int = 5

    def kept(self, candidate: Candidate) -> bool:
        """Whether the face stage keeps this candidate under the rule."""
        probability = candidate.levelled if self.levelled else candidate.as_it_lies
        if candidate.score >= self.sure:
            return probability >= self.veto
        return candidate.score >= self.lowest and candidate.rank < self.top and probability >= self.confirm

    def first_face(self, photo: Photo) -> Candidate | None:
        """The face the stage reads: the most confident kept one of the first pass that keeps any."""
        for factor in factors(photo.long_side, self.sides):
            kept = [c for c in photo.candidates if c.factor == factor and self.kept(c)]
            if kept:
                return max(kept, key=lambda c: c.score)
        return None


def get_args_parser() -> argparse.ArgumentParser:
    """Command-line options of the probe."""
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--data", type=Path, default=Path("/tmp/fer2013/val"), help="FER2013 val/ (ImageFolder)")
    p.add_argument("--tune", default="0,1", help="seeds the rule is chosen on")
    p.add_argument("--check", default="2,3", help="seeds only reported (fresh photos)")
    p.add_argument("--faces", type=int, default=200, help="face photos per seed, as the benchmark's --faces")
    p.add_argument("--cache", type=Path, default=Path("/tmp/probe_face_rules.pkl"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Build or load the cache, replay the rules, print the table."""
    args = get_args_parser().parse_args(argv)
    cv2.setNumThreads(1)
    tune = [int(s) for s in args.tune.split(",") if s.strip()]
    check = [int(s) for s in args.check.split(",") if s.strip()]
    cache = pickle.loads(args.cache.read_bytes()) if args.cache.is_file() else {}
    missing = [s for s in tune + check if f"seed {s}" not in cache]
    if missing or "free" not in cache:
        cache.update(build_cache(args.data, missing, args.faces))
        args.cache.write_bytes(pickle.dumps(cache))
    print(f"| passes | doubtful from | ONet confirms at | ONet reads | found, tune {tune} | found, check {check} "
          f"| face-free photos with a face (of {len(cache['free'])}) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    grid = itertools.product(
        ((640, 1344), (640, 1008), DETECT_SIDES), (0.25, 0.3, 0.4), (0.9, 0.95, 0.97), (True, False)
    )
    for sides, lowest, confirm, levelled in grid:
        rule = Rule(sides, lowest, confirm, levelled)

        def rate(seeds: list[int], rule: Rule = rule) -> str:
            hits = [bool((face := rule.first_face(photo)) and face.true) for s in seeds for photo in cache[f"seed {s}"]]
            return f"{np.mean(hits):.1%}" if hits else "-"

        false = sum(rule.first_face(photo) is not None for photo in cache["free"])
        cells = (" / ".join(map(str, sides)), lowest, confirm, "levelled" if levelled else "as it lies")
        print(f"| {' | '.join(map(str, cells))} | {rate(tune)} | {rate(check)} | {false} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
