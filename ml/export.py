"""Export the emotion model to ONNX with a manifest: the file the server runs and phones download.

    python -m ml.export --checkpoint ml/weights/emotion_model.pt --out var/models
    python -m ml.export --checkpoint ml/weights/emotion_model.pt --out var/models --parity /tmp/fer2013/val

The exported graph takes what a browser or phone can produce without a tensor library: pixel values
0..255 as float32, NCHW, batch size free, already cropped to the face and resized (see the manifest's
`preprocessing` and `face_crop`). Normalisation with the training mean/std and the calibration
temperature are inside the graph; it returns the raw logits and the calibrated probabilities. Opset 18,
exported with torch.export and onnxscript (`torch.onnx.export(..., dynamo=True)`; the older TorchScript
exporter is deprecated), the batch dimension left free.

Files go to `<out>/<model version>/` (`emotion_model.onnx`, the face detector's and its verifier's ONNX,
`manifest.json`), written to a temporary folder first and renamed into place, so several processes may call
`ensure_export` at once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ml.digest import file_sha256

MANIFEST_FORMAT = "museum_guide.model_manifest/1"
MANIFEST_NAME = "manifest.json"
ONNX_NAME = "emotion_model.onnx"
OPSET = 18


def _file_entry(path: Path) -> dict[str, Any]:
    return {"file": path.name, "sha256": file_sha256(path), "bytes": path.stat().st_size}


def _export_graph(checkpoint: Path, target: Path) -> dict[str, Any]:
    """Write the ONNX graph; returns the manifest's model part (version, labels, contract)."""
    import torch
    from torch import nn

    from ml.checkpoint import load_checkpoint

    model, meta = load_checkpoint(checkpoint)
    channels = 1 if meta.grayscale else 3

    class Exported(nn.Module):
        """Pixels 0..255 -> (logits, softmax(logits / T)), normalisation included."""

        mean: torch.Tensor
        std: torch.Tensor

        def __init__(self) -> None:
            super().__init__()
            self.net = model.eval()
            self.register_buffer("mean", torch.tensor(meta.mean, dtype=torch.float32).view(1, -1, 1, 1))
            self.register_buffer("std", torch.tensor(meta.std, dtype=torch.float32).view(1, -1, 1, 1))
            self.temperature = float(meta.temperature)

        def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            logits = self.net((pixels / 255.0 - self.mean) / self.std)
            return logits, (logits / self.temperature).softmax(dim=1)

    example = torch.full((2, channels, meta.input_size, meta.input_size), 128.0)
    # torch.export's ONNX exporter reports its progress on stdout: keep stdout for the CLI's JSON.
    with contextlib.redirect_stdout(sys.stderr):
        torch.onnx.export(
            Exported().eval(),
            (example,),
            str(target),
            input_names=["pixels"],
            output_names=["logits", "probabilities"],
            dynamic_shapes=({0: torch.export.Dim("batch")},),
            opset_version=OPSET,
            dynamo=True,
            # One self-contained file (weights inside), as a phone downloads it; the default writes them beside.
            external_data=False,
            verbose=False,
        )
    return {
        "model_version": meta.version,
        "labels": list(meta.labels),
        "temperature": meta.temperature,
        "metrics": dict(meta.metrics),
        "inputs": {
            "pixels": {
                "dtype": "float32",
                "shape": ["batch", channels, meta.input_size, meta.input_size],
                "layout": "NCHW",
                "range": [0, 255],
                "channels": "gray" if meta.grayscale else "rgb",
            }
        },
        "outputs": {
            "logits": {"dtype": "float32", "shape": ["batch", len(meta.labels)]},
            "probabilities": {
                "dtype": "float32",
                "shape": ["batch", len(meta.labels)],
                "note": "softmax(logits / temperature): calibrated on val/, rows sum to 1",
            },
        },
        "preprocessing": {
            "input_size": meta.input_size,
            "grayscale": meta.grayscale,
            "square": "the central square of the face crop (crops are square already)",
            "resize": "area averaging when shrinking, bilinear when enlarging",
            "gray": "0.299 R + 0.587 G + 0.114 B of the RGB pixels, rounded to uint8",
            "mean": list(meta.mean),
            "std": list(meta.std),
            "normalisation": "inside the graph: (pixels / 255 - mean) / std",
        },
    }


# The files of an export that phones download, by manifest key.
FILE_PARTS = ("classifier", "detector", "verifier")


def _face_crop_contract(detector: Path) -> dict[str, Any]:
    from ml.faces import (
        ALIGN_FACES,
        CONFIRM_THRESHOLD,
        CROP_MAX_SIDE,
        DETECT_SIDES,
        FACE_MARGIN,
        SCORE_THRESHOLD,
        VERIFIER_CONFIRM,
        VERIFIER_VETO,
    )

    return {
        "detector": (
            "YuNet (input BGR 0-255, zero-padded right and bottom to a multiple of 32; outputs decoded as OpenCV's"
            f" FaceDetectorYN does, NMS 0.3), the most confident face with score >= {SCORE_THRESHOLD}; the server also"
            f" drops such a face when MTCNN's ONet gives it a face probability < {VERIFIER_VETO}, and keeps one"
            f" scoring >= {CONFIRM_THRESHOLD} where ONet gives >= {VERIFIER_CONFIRM}; ONet reads the face's"
            " square levelled by the eye landmarks, 48x48 RGB"
        ),
        "detector_passes": (
            f"the photo shrunk by the largest whole factor that keeps a long side >= {DETECT_SIDES[0]} px, then"
            f" {' then '.join(f'>= {side} px' for side in DETECT_SIDES[1:])} while no face is found"
        ),
        "square": "side = the longer side of the face box x (1 + 2 x margin), centred on the box",
        "margin": FACE_MARGIN,
        "align_eyes": ALIGN_FACES,
        "border": "edge pixels repeated where the square leaves the photo",
        "max_side": CROP_MAX_SIDE,
        "detector_file": detector.name,
    }


def _manifest_is_current(folder: Path, checkpoint_sha: str) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text())
        files = [manifest[part] for part in FILE_PARTS]
        return bool(
            manifest.get("format") == MANIFEST_FORMAT
            and manifest["source_checkpoint"]["sha256"] == checkpoint_sha
            and all(file_sha256(folder / entry["file"]) == entry["sha256"] for entry in files)
        )
    except (OSError, KeyError, TypeError, ValueError):
        return False


def find_export(checkpoint: str | os.PathLike[str], out: str | os.PathLike[str]) -> Path | None:
    """The current export folder of this checkpoint under `out`, or None; needs no torch."""
    checkpoint_sha = file_sha256(checkpoint)
    for manifest in sorted(Path(out).glob(f"*/{MANIFEST_NAME}")):
        if _manifest_is_current(manifest.parent, checkpoint_sha):
            return manifest.parent
    return None


def ensure_export(
    checkpoint: str | os.PathLike[str],
    out: str | os.PathLike[str],
    detector: str | os.PathLike[str],
    verifier: str | os.PathLike[str] | None = None,
) -> Path:
    """The export folder of this checkpoint (`<out>/<model version>`), exported first if missing or stale.

    `verifier`: the face stage's judge of detected faces (default: the shipped MTCNN ONet).
    """
    from ml.faces import DEFAULT_VERIFIER

    checkpoint, out, detector = Path(checkpoint), Path(out), Path(detector)
    verifier = Path(verifier) if verifier is not None else DEFAULT_VERIFIER
    found = find_export(checkpoint, out)
    if found is not None:
        return found
    from ml.checkpoint import read_meta

    version = read_meta(checkpoint).version
    folder = out / version
    checkpoint_sha = file_sha256(checkpoint)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=out))
    staging.chmod(0o755)  # mkdtemp makes it private; the files are public downloads
    try:
        model_part = _export_graph(checkpoint, staging / ONNX_NAME)
        shutil.copyfile(detector, staging / detector.name)
        shutil.copyfile(verifier, staging / verifier.name)
        import onnx
        import onnxruntime
        import torch

        manifest = {
            "format": MANIFEST_FORMAT,
            **model_part,
            "classifier": {**_file_entry(staging / ONNX_NAME), "opset": OPSET},
            "detector": {**_file_entry(staging / detector.name), "licence": "MIT (OpenCV Zoo)"},
            "verifier": {
                **_file_entry(staging / verifier.name),
                "licence": "MIT (facenet-pytorch; MTCNN's ONet)",
                "input": "1x3x48x48 float32: the face crop of face_crop's contract with the eyes levelled"
                " (align_eyes true), area-resized to 48x48 RGB (bilinear when enlarging), (pixels - 127.5) / 128;"
                " output: the face probability",
            },
            "face_crop": _face_crop_contract(detector),
            "source_checkpoint": {"file": checkpoint.name, "sha256": checkpoint_sha},
            "exported_with": {
                "torch": str(torch.__version__),
                "onnx": onnx.__version__,
                "onnxruntime": onnxruntime.__version__,
            },
        }
        (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(staging, folder)
        except OSError:
            # Another process renamed its identical export into place first.
            if not _manifest_is_current(folder, checkpoint_sha):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _read_rgb(path: Path) -> Any:
    import cv2

    raw = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if raw is None:
        raise ValueError(f"cannot decode image {path}")
    return cv2.cvtColor(raw, cv2.COLOR_BGR2RGB)


def parity(checkpoint: Path, folder: Path, data: Path, limit: int | None) -> dict[str, float]:
    """onnxruntime against torch on the images of an ImageFolder tree: max |p diff| and top-1 agreement."""
    import numpy as np

    from ml.inference import EmotionClassifier
    from ml.onnx_classifier import OnnxEmotionClassifier
    from training.evaluate import labelled_samples

    reference = EmotionClassifier.from_checkpoint(checkpoint, num_threads=1)
    exported = OnnxEmotionClassifier.from_folder(folder, num_threads=1)
    paths = [path for path, _ in labelled_samples(data, reference.labels)][:limit]
    worst, agree = 0.0, 0
    for start in range(0, len(paths), 256):
        images = [_read_rgb(path) for path in paths[start : start + 256]]
        a, b = reference.predict_proba(images), exported.predict_proba(images)
        worst = max(worst, float(np.abs(a - b).max()))
        agree += int((a.argmax(axis=1) == b.argmax(axis=1)).sum())
    return {"images": len(paths), "max_abs_probability_difference": worst, "top1_agreement": agree / len(paths)}


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: export (or confirm) the ONNX files and manifest; optionally check parity on a folder of faces."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="exports go to OUT/<model version>/")
    parser.add_argument("--detector", type=Path, default=None, help="face detector ONNX (default: the shipped YuNet)")
    parser.add_argument("--parity", type=Path, default=None, help="ImageFolder tree to compare torch and ONNX on")
    parser.add_argument("--limit", type=int, default=None, help="at most this many parity images")
    args = parser.parse_args(argv)
    from ml.faces import DEFAULT_DETECTOR

    folder = ensure_export(args.checkpoint, args.out, args.detector or DEFAULT_DETECTOR)
    result: dict[str, Any] = {"folder": str(folder), "manifest": json.loads((folder / MANIFEST_NAME).read_text())}
    if args.parity is not None:
        result["parity"] = parity(args.checkpoint, folder, args.parity, args.limit)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
