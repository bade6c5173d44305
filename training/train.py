"""Train an EfficientNetV2 emotion classifier: python -m training.train --data DIR --out RUN_DIR."""

from __future__ import annotations

import argparse
import copy
import csv
import dataclasses
import json
import logging
import math
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence, Sized
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from numpy.typing import NDArray
from torch import nn
from torch.utils.data import DataLoader, Sampler, TensorDataset, WeightedRandomSampler
from tqdm import tqdm

from ml.checkpoint import (
    ModelMeta,
    describe,
    file_sha256,
    library_versions,
    load_checkpoint,
    save_checkpoint,
    write_sha256_sidecar,
)
from ml.model import ARCHS, build_model
from training.augment import AugmentConfig, augment_batch, mixup, random_erasing
from training.data import ImageArray, channel_stats, default_cache_dir, load_image_folder, stratified_split
from training.metrics import classification_metrics
from training.threads import ThreadGovernor

logger = logging.getLogger("training.train")

EXPORT_NAME = "emotion_model.pt"
CSV_FIELDS = (
    "epoch",
    "steps",
    "lr",
    "train_loss",
    "train_accuracy",
    "val_loss",
    "val_accuracy",
    "val_macro_f1",
    "epoch_seconds",
    "elapsed_seconds",
    "improved",
)


def get_args_parser() -> argparse.ArgumentParser:
    """Command-line options of the training run."""
    p = argparse.ArgumentParser(description="Train the emotion classifier", add_help=True)
    g = p.add_argument_group("data")
    g.add_argument("--data", required=True, type=Path, help="ImageFolder root with train/ (and val/)")
    g.add_argument("--out", required=True, type=Path, help="run directory (checkpoints, logs, metrics)")
    g.add_argument("--val-fraction", type=float, default=0.1, help="stratified split when DATA has no val/")
    g.add_argument("--cache-dir", type=Path, default=None, help="decoded-image cache (default ~/.cache/...)")
    g.add_argument("--no-cache", action="store_true", help="decode images without writing a cache")
    g = p.add_argument_group("model")
    g.add_argument("--arch", default="efficientnet_v2_b0", choices=ARCHS)
    g.add_argument("--image-size", type=int, default=48)
    g.add_argument("--grayscale", action=argparse.BooleanOptionalAction, default=True)
    g.add_argument("--width-mult", type=float, default=1.0)
    g.add_argument("--depth-mult", type=float, default=1.0)
    g.add_argument("--stem-stride", type=int, default=2, choices=(1, 2))
    g.add_argument("--dropout", type=float, default=0.2)
    g.add_argument("--drop-path", type=float, default=0.1, help="stochastic depth probability")
    g.add_argument("--pretrained", action="store_true", help="ImageNet backbone from the local torch.hub cache")
    g = p.add_argument_group("optimisation")
    g.add_argument("--epochs", type=int, default=30)
    g.add_argument("--batch-size", type=int, default=128)
    g.add_argument("--lr", type=float, default=2e-3)
    g.add_argument("--weight-decay", type=float, default=0.05)
    g.add_argument("--warmup-epochs", type=float, default=1.0)
    g.add_argument("--min-lr-ratio", type=float, default=0.01, help="final LR as a fraction of --lr")
    g.add_argument("--label-smoothing", type=float, default=0.1)
    g.add_argument("--balance", choices=("none", "loss", "sampler"), default="loss", help="class-imbalance remedy")
    g.add_argument("--class-weight-power", type=float, default=0.5, help="weights = (1/frequency) ** power")
    g.add_argument("--ema-decay", type=float, default=0.0, help="EMA of weights (e.g. 0.999); 0 disables")
    g.add_argument("--patience", type=int, default=8, help="early stopping: epochs without improvement")
    g.add_argument("--monitor", choices=("accuracy", "macro_f1"), default="accuracy")
    g = p.add_argument_group("augmentation")
    g.add_argument("--rotation", type=float, default=15.0)
    g.add_argument("--scale", type=float, default=0.15)
    g.add_argument("--translate", type=float, default=0.1)
    g.add_argument("--shear", type=float, default=8.0)
    g.add_argument("--brightness", type=float, default=0.25)
    g.add_argument("--contrast", type=float, default=0.25)
    g.add_argument("--saturation", type=float, default=0.2)
    g.add_argument("--no-hflip", action="store_true")
    g.add_argument("--erasing-p", type=float, default=0.0, help="random-erasing probability")
    g.add_argument("--mixup-alpha", type=float, default=0.0, help="mixup Beta(alpha, alpha); 0 disables")
    g = p.add_argument_group("runtime")
    g.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, mps")
    g.add_argument("--amp", action=argparse.BooleanOptionalAction, default=True, help="mixed precision on GPU")
    g.add_argument(
        "--threads", default=None, help="torch CPU threads: a number, or 'auto' (fewer while others load the CPU)"
    )
    g.add_argument("--workers", type=int, default=0, help="DataLoader workers (data is in memory)")
    g.add_argument("--channels-last", action=argparse.BooleanOptionalAction, default=True)
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True, help="continue from last.pt")
    g.add_argument(
        "--init-from",
        type=Path,
        default=None,
        help="start from the weights of an exported checkpoint (fine-tuning: fresh optimiser and schedule)",
    )
    g.add_argument("--time-limit-minutes", type=float, default=None, help="stop cleanly after this wall time")
    g.add_argument("--max-steps-per-epoch", type=int, default=None, help="cap (quick measurements)")
    g.add_argument("--export-half", action="store_true", help="export float16 weights (half the file size)")
    g.add_argument("--log-interval", type=float, default=30.0, help="seconds between progress-bar refreshes")
    return p


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def seed_worker(worker_id: int) -> None:
    """DataLoader worker_init_fn: derive NumPy/random seeds from torch's per-worker seed."""
    worker_seed = torch.initial_seed() % 2**32
    np.random.seed(worker_seed)
    random.seed(worker_seed)


class ModelEma:
    """Exponential moving average of a model's parameters and buffers."""

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.module = copy.deepcopy(model).eval()
        self.decay = decay
        for p in self.module.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        """Blend the current weights in; the warm-up keeps early averages from clinging to random init."""
        decay = min(self.decay, (1 + step) / (10 + step))
        for ema_v, v in zip(self.module.state_dict().values(), model.state_dict().values(), strict=True):
            if ema_v.is_floating_point():
                ema_v.lerp_(v.detach(), 1.0 - decay)
            else:
                ema_v.copy_(v)


@dataclasses.dataclass
class Schedule:
    """Linear warm-up then cosine decay; with a time limit, progress also follows the wall clock."""

    base_lr: float
    warmup_steps: int
    total_steps: int
    min_lr_ratio: float
    time_budget_s: float | None = None

    def lr(self, step: int, elapsed_s: float) -> float:
        """Learning rate at a given optimiser step and elapsed training time."""
        if step < self.warmup_steps:
            return self.base_lr * (step + 1) / self.warmup_steps
        progress = (step - self.warmup_steps) / max(1, self.total_steps - self.warmup_steps)
        if self.time_budget_s:
            # Anneal fully by the time limit even if fewer epochs fit than planned.
            progress = max(progress, elapsed_s / self.time_budget_s)
        progress = min(1.0, progress)
        floor = self.base_lr * self.min_lr_ratio
        return floor + (self.base_lr - floor) * 0.5 * (1 + math.cos(math.pi * progress))


@dataclasses.dataclass
class RunClock:
    """Wall time of the run across resumes, and the moment training must stop."""

    elapsed_before: float
    started: float
    limit_s: float | None
    reserve_s: float = 0.0

    def elapsed(self) -> float:
        """Seconds spent in this run so far, including earlier sessions before a resume."""
        return self.elapsed_before + time.perf_counter() - self.started

    def out_of_time(self) -> bool:
        """True once training must stop to leave time for the last evaluation and saves."""
        return self.limit_s is not None and self.elapsed() >= self.limit_s - self.reserve_s


def resolve_device(name: str) -> torch.device:
    """`auto` picks CUDA, then MPS, then CPU."""
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def class_weights(counts: NDArray[Any], power: float) -> torch.Tensor:
    """Inverse-frequency weights raised to `power`, scaled so that the average sample weight is 1."""
    freq = counts / counts.sum()
    w = np.where(counts > 0, (1.0 / np.maximum(freq, 1e-12)) ** power, 0.0)
    w = w / (w * freq).sum()
    return torch.tensor(w, dtype=torch.float32)


def to_input(
    batch: torch.Tensor,
    mean: torch.Tensor,
    std: torch.Tensor,
    device: torch.device,
    channels_last: bool,
    augment: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> torch.Tensor:
    """uint8 NCHW batch -> (augmented) normalised float batch on the device."""
    x = batch.to(device, non_blocking=True).float().div_(255.0)
    if augment is not None:
        x = augment(x)
    x = (x - mean) / std
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def train_one_epoch(
    model: nn.Module,
    criterion: nn.Module,
    optimizer: torch.optim.Optimizer,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    *,
    device: torch.device,
    epoch: int,
    step: int,
    schedule: Schedule,
    clock: RunClock,
    mean: torch.Tensor,
    std: torch.Tensor,
    aug: AugmentConfig,
    gen: torch.Generator,
    scaler: torch.amp.GradScaler,
    amp_dtype: torch.dtype | None,
    ema: ModelEma | None = None,
    channels_last: bool = False,
    max_steps: int | None = None,
    log_interval: float = 30.0,
    governor: ThreadGovernor | None = None,
) -> dict[str, Any]:
    """One pass over the training data; returns loss, accuracy, steps taken and whether time ran out."""
    model.train()
    total_loss, correct, seen, steps = 0.0, 0.0, 0, 0
    lr = schedule.lr(step, clock.elapsed())
    out_of_time = False
    n_batches = len(loader) if isinstance(loader, Sized) else None
    bar = tqdm(loader, total=n_batches, desc=f"epoch {epoch}", unit="batch", mininterval=log_interval, leave=False)
    for images, targets in bar:
        lr = schedule.lr(step, clock.elapsed())
        for group in optimizer.param_groups:
            group["lr"] = lr
        x = to_input(images, mean, std, device, channels_last, lambda b: augment_batch(b, aug, gen))
        y = targets.to(device, non_blocking=True)
        if aug.erasing_p > 0:
            x = random_erasing(x, aug.erasing_p, gen)
        y_b, lam = y, 1.0
        if aug.mixup_alpha > 0:
            x, y, y_b, lam = mixup(x, y, aug.mixup_alpha, gen)
        with torch.autocast(device_type=device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
            logits = model(x)
            # Raw logits go into the loss: CrossEntropyLoss applies log-softmax itself.
            loss = lam * criterion(logits, y) + (1 - lam) * criterion(logits, y_b) if lam < 1 else criterion(logits, y)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        step += 1
        steps += 1
        if ema is not None:
            ema.update(model, step)
        if governor is not None:
            governor.tick()
        with torch.no_grad():
            pred = logits.argmax(1)
            correct += float(lam * (pred == y).sum().item() + (1 - lam) * (pred == y_b).sum().item())
            total_loss += float(loss.item()) * y.shape[0]
            seen += y.shape[0]
        bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.4f}", lr=f"{lr:.2e}", refresh=False)
        if max_steps is not None and steps >= max_steps:
            break
        if clock.out_of_time():
            out_of_time = True
            break
    bar.close()
    if not math.isfinite(total_loss):
        raise FloatingPointError(f"training loss became {total_loss} in epoch {epoch}")
    return {
        "loss": total_loss / max(seen, 1),
        "accuracy": correct / max(seen, 1),
        "steps": steps,
        "global_step": step,
        "lr": lr,
        "out_of_time": out_of_time,
    }


@torch.inference_mode()
def evaluate(
    model: nn.Module,
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    *,
    device: torch.device,
    mean: torch.Tensor,
    std: torch.Tensor,
    labels: Sequence[str],
    channels_last: bool = False,
    tta: bool = False,
) -> dict[str, Any]:
    """Loss (plain cross-entropy), accuracy, macro-F1, per-class report and confusion matrix."""
    model.eval()
    total_loss, seen = 0.0, 0
    preds: list[NDArray[Any]] = []
    trues: list[NDArray[Any]] = []
    for images, targets in loader:
        x = to_input(images, mean, std, device, channels_last)
        y = targets.to(device)
        logits = model(x).float()
        if tta:
            probs = (logits.softmax(1) + model(torch.flip(x, dims=[3])).float().softmax(1)) / 2
            total_loss += float(F.nll_loss(probs.clamp_min(1e-12).log(), y, reduction="sum").item())
        else:
            probs = logits.softmax(1)
            total_loss += float(F.cross_entropy(logits, y, reduction="sum").item())
        seen += y.shape[0]
        preds.append(probs.argmax(1).cpu().numpy())
        trues.append(y.cpu().numpy())
    result = classification_metrics(np.concatenate(trues), np.concatenate(preds), labels)
    result["loss"] = total_loss / max(seen, 1)
    return result


def make_loader(
    data: ImageArray, batch_size: int, *, shuffle: bool, sampler: Sampler[int] | None, workers: int, seed: int
) -> DataLoader[tuple[torch.Tensor, ...]]:
    """DataLoader over the in-memory uint8 array (NCHW), seeded for reproducible order."""
    images = torch.from_numpy(np.ascontiguousarray(data.images)).permute(0, 3, 1, 2)
    dataset = TensorDataset(images, torch.from_numpy(data.targets))
    gen = torch.Generator().manual_seed(seed)
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shuffle and sampler is None,
        sampler=sampler,
        num_workers=workers,
        worker_init_fn=seed_worker,
        generator=gen,
        drop_last=shuffle,
        persistent_workers=workers > 0,
    )


def load_data(args: argparse.Namespace) -> tuple[ImageArray, ImageArray]:
    """Train and validation arrays: DATA/train + DATA/val, or a stratified split of DATA/train (or DATA)."""
    cache = None if args.no_cache else (args.cache_dir or default_cache_dir())
    root: Path = args.data
    train_root = root / "train" if (root / "train").is_dir() else root
    train = load_image_folder(train_root, args.image_size, args.grayscale, cache)
    if (root / "val").is_dir():
        val = load_image_folder(root / "val", args.image_size, args.grayscale, cache)
        if val.classes != train.classes:
            raise ValueError(f"val classes {list(val.classes)} differ from train classes {list(train.classes)}")
        return train, val
    logger.info("no val/ folder: holding out a stratified %.0f%% of train", 100 * args.val_fraction)
    return stratified_split(train, args.val_fraction, args.seed)


def git_commit() -> str:
    """Current commit of the code that trains (or 'unknown')."""
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def init_weights_from(
    model: nn.Module, path: Path, *, arch: str, labels: Sequence[str], arch_options: dict[str, float | int]
) -> None:
    """Copy the weights of an exported checkpoint into `model`, refusing one of another shape or label set."""
    source, meta = load_checkpoint(path, expected_labels=labels)
    mine = {k: v for k, v in arch_options.items() if k != "stochastic_depth_prob"}
    theirs = {k: v for k, v in meta.arch_options.items() if k != "stochastic_depth_prob"}
    if meta.arch != arch or mine != theirs:
        raise SystemExit(f"--init-from {path}: {meta.arch} {theirs} does not match this run's {arch} {mine}")
    model.load_state_dict(source.state_dict(), strict=True)
    logger.info("initialised from %s (%s)", path, describe(meta))


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
    tmp.replace(path)


def _append_csv(path: Path, row: dict[str, Any]) -> None:
    new = not path.exists()
    with path.open("a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS)
        if new:
            writer.writeheader()
        writer.writerow(row)


def _state_dict_of(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Run training; returns a process exit code."""
    args = get_args_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    governor = None
    if args.threads == "auto":
        governor = ThreadGovernor(os.cpu_count() or 1)
    elif args.threads:
        torch.set_num_threads(int(args.threads))
    seed_everything(args.seed)
    device = resolve_device(args.device)
    amp_dtype = torch.float16 if (args.amp and device.type == "cuda") else None
    channels_last = bool(args.channels_last)

    train_data, val_data = load_data(args)
    labels = train_data.classes
    mean_t, std_t = channel_stats(train_data.images)
    counts = train_data.class_counts()
    logger.info("train %d images, val %d; classes %s; counts %s", len(train_data), len(val_data), labels, counts)
    logger.info("normalisation mean %s std %s (computed on train)", mean_t, std_t)

    arch_options: dict[str, float | int] = {
        "width_mult": args.width_mult,
        "depth_mult": args.depth_mult,
        "stem_stride": args.stem_stride,
        "stochastic_depth_prob": args.drop_path,
    }
    model = build_model(
        args.arch,
        len(labels),
        args.dropout,
        in_channels=1 if args.grayscale else 3,
        width_mult=args.width_mult,
        depth_mult=args.depth_mult,
        stem_stride=args.stem_stride,
        stochastic_depth_prob=args.drop_path,
        pretrained=args.pretrained,
    ).to(device)
    if args.init_from is not None:
        init_weights_from(model, args.init_from, arch=args.arch, labels=labels, arch_options=arch_options)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    n_params = sum(p.numel() for p in model.parameters())
    logger.info("%s: %.2fM parameters on %s (threads %d)", args.arch, n_params / 1e6, device, torch.get_num_threads())

    weights = class_weights(counts, args.class_weight_power).to(device) if args.balance == "loss" else None
    criterion = nn.CrossEntropyLoss(weight=weights, label_smoothing=args.label_smoothing)
    sampler: Sampler[int] | None = None
    if args.balance == "sampler":
        per_class = class_weights(counts, args.class_weight_power).numpy()
        sampler = WeightedRandomSampler(
            per_class[train_data.targets].tolist(),
            num_samples=len(train_data),
            replacement=True,
            generator=torch.Generator().manual_seed(args.seed + 1),
        )
    train_loader = make_loader(
        train_data, args.batch_size, shuffle=True, sampler=sampler, workers=args.workers, seed=args.seed
    )
    val_loader = make_loader(val_data, 256, shuffle=False, sampler=None, workers=0, seed=args.seed)

    decay: list[nn.Parameter] = []
    no_decay: list[nn.Parameter] = []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 or name.endswith(".bias") else decay).append(p)
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr
    )
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
    ema = ModelEma(model, args.ema_decay) if args.ema_decay > 0 else None
    aug = AugmentConfig(
        rotation_deg=args.rotation,
        scale=args.scale,
        translate=args.translate,
        shear_deg=args.shear,
        brightness=args.brightness,
        contrast=args.contrast,
        saturation=args.saturation,
        hflip=not args.no_hflip,
        erasing_p=args.erasing_p,
        mixup_alpha=args.mixup_alpha,
    )
    aug_gen = torch.Generator(device=device).manual_seed(args.seed + 2)
    steps_per_epoch = len(train_loader) if args.max_steps_per_epoch is None else args.max_steps_per_epoch
    steps_per_epoch = min(steps_per_epoch, len(train_loader))
    limit_s = args.time_limit_minutes * 60 if args.time_limit_minutes else None
    schedule = Schedule(
        base_lr=args.lr,
        warmup_steps=max(1, round(args.warmup_epochs * steps_per_epoch)),
        total_steps=max(1, args.epochs * steps_per_epoch),
        min_lr_ratio=args.min_lr_ratio,
    )

    start_epoch, global_step, best_score, best_epoch, elapsed_before = 1, 0, -1.0, 0, 0.0
    last_path = out / "last.pt"
    if args.resume and last_path.is_file():
        state = torch.load(last_path, map_location=device, weights_only=True)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scaler.load_state_dict(state["scaler"])
        if ema is not None and "ema" in state:
            ema.module.load_state_dict(state["ema"])
        aug_gen.set_state(state["aug_rng"].cpu() if device.type == "cpu" else state["aug_rng"])
        torch.set_rng_state(state["torch_rng"].cpu())
        start_epoch = int(state["epoch"]) + 1
        global_step = int(state["global_step"])
        best_score, best_epoch = float(state["best_score"]), int(state["best_epoch"])
        elapsed_before = float(state["elapsed_s"])
        train_loader.generator.manual_seed(args.seed + start_epoch)
        logger.info(
            "resumed from %s at epoch %d (best %.4f at epoch %d)", last_path, start_epoch, best_score, best_epoch
        )

    clock = RunClock(elapsed_before=elapsed_before, started=time.perf_counter(), limit_s=limit_s)
    if limit_s is not None:
        # Keep roughly 4% of the budget (20 s at least, half at most) for the last evaluation and saves.
        clock.reserve_s = min(max(20.0, 0.04 * limit_s), 0.5 * limit_s)
        schedule.time_budget_s = limit_s - clock.reserve_s

    config = {
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "argv": list(sys.argv if argv is None else argv),
        "labels": list(labels),
        "train_counts": counts.tolist(),
        "n_train": len(train_data),
        "n_val": len(val_data),
        "mean": list(mean_t),
        "std": list(std_t),
        "class_weights": weights.tolist() if weights is not None else None,
        "parameters": n_params,
        "steps_per_epoch": steps_per_epoch,
        "device": str(device),
        "threads": torch.get_num_threads(),
        "augment": dataclasses.asdict(aug),
        "versions": library_versions(),
        "git_commit": git_commit(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_json(out / "config.json", config)

    mean_dev = torch.tensor(mean_t, device=device).view(1, -1, 1, 1)
    std_dev = torch.tensor(std_t, device=device).view(1, -1, 1, 1)
    base_meta = ModelMeta(
        arch=args.arch,
        labels=labels,
        input_size=args.image_size,
        grayscale=args.grayscale,
        mean=mean_t,
        std=std_t,
        dropout=args.dropout,
        arch_options=arch_options,
    )
    epochs_without_improvement = 0
    for epoch in range(start_epoch, args.epochs + 1):
        if epoch > start_epoch and clock.out_of_time():
            logger.info("time limit reached before epoch %d", epoch)
            break
        t0 = time.perf_counter()
        train_stats = train_one_epoch(
            model,
            criterion,
            optimizer,
            train_loader,
            device=device,
            epoch=epoch,
            step=global_step,
            schedule=schedule,
            clock=clock,
            mean=mean_dev,
            std=std_dev,
            aug=aug,
            gen=aug_gen,
            scaler=scaler,
            amp_dtype=amp_dtype,
            ema=ema,
            channels_last=channels_last,
            max_steps=args.max_steps_per_epoch,
            log_interval=args.log_interval,
            governor=governor,
        )
        global_step = int(train_stats["global_step"])
        eval_model = ema.module if ema is not None else model
        val_stats = evaluate(
            eval_model,
            val_loader,
            device=device,
            mean=mean_dev,
            std=std_dev,
            labels=labels,
            channels_last=channels_last,
        )
        score = float(val_stats[args.monitor])
        improved = score > best_score
        epoch_seconds = time.perf_counter() - t0
        logger.info(
            "epoch %d: train loss %.4f acc %.4f | val loss %.4f acc %.4f macro-F1 %.4f | %.0fs (%s)",
            epoch,
            train_stats["loss"],
            train_stats["accuracy"],
            val_stats["loss"],
            val_stats["accuracy"],
            val_stats["macro_f1"],
            epoch_seconds,
            "improved" if improved else f"best {best_score:.4f} @ {best_epoch}",
        )
        _append_csv(
            out / "metrics.csv",
            {
                "epoch": epoch,
                "steps": train_stats["steps"],
                "lr": f"{train_stats['lr']:.6g}",
                "train_loss": f"{train_stats['loss']:.5f}",
                "train_accuracy": f"{train_stats['accuracy']:.5f}",
                "val_loss": f"{val_stats['loss']:.5f}",
                "val_accuracy": f"{val_stats['accuracy']:.5f}",
                "val_macro_f1": f"{val_stats['macro_f1']:.5f}",
                "epoch_seconds": f"{epoch_seconds:.1f}",
                "elapsed_seconds": f"{clock.elapsed():.1f}",
                "improved": int(improved),
            },
        )
        if improved:
            best_score, best_epoch = score, epoch
            epochs_without_improvement = 0
            export_model = copy.deepcopy(eval_model).to("cpu").to(memory_format=torch.contiguous_format)
            meta = dataclasses.replace(
                base_meta,
                metrics={
                    "val_accuracy": val_stats["accuracy"],
                    "val_macro_f1": val_stats["macro_f1"],
                    "val_loss": val_stats["loss"],
                    "epoch": float(epoch),
                },
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            save_checkpoint(out / "best.pt", export_model, meta)
            exported = save_checkpoint(out / EXPORT_NAME, export_model, meta, half=args.export_half)
            write_sha256_sidecar(out / EXPORT_NAME)
            _write_json(out / "best_metrics.json", {"epoch": epoch, "version": exported.version, **val_stats})
            logger.info(
                "saved best.pt and %s (%s, file sha256 %s)",
                EXPORT_NAME,
                exported.version,
                file_sha256(out / EXPORT_NAME)[:12],
            )
        else:
            epochs_without_improvement += 1
        last_state: dict[str, Any] = {
            "model": _state_dict_of(model),
            "optimizer": optimizer.state_dict(),
            "scaler": scaler.state_dict(),
            "aug_rng": aug_gen.get_state(),
            "torch_rng": torch.get_rng_state(),
            "epoch": epoch,
            "global_step": global_step,
            "best_score": best_score,
            "best_epoch": best_epoch,
            "elapsed_s": clock.elapsed(),
        }
        if ema is not None:
            last_state["ema"] = _state_dict_of(ema.module)
        torch.save(last_state, out / "last.pt.tmp")
        (out / "last.pt.tmp").replace(last_path)
        if train_stats["out_of_time"]:
            logger.info("time limit of %.1f min reached during epoch %d", args.time_limit_minutes, epoch)
            break
        if epochs_without_improvement >= args.patience:
            logger.info("early stopping: no improvement for %d epochs", args.patience)
            break
    logger.info("done: best val %s %.4f at epoch %d; run dir %s", args.monitor, best_score, best_epoch, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
