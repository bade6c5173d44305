"""End to end: a tiny training run writes loadable checkpoints, resumes, honours a time limit, and evaluates."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import pytest
import torch
from skimage import data

from ml.checkpoint import file_sha256, load_checkpoint
from ml.inference import EmotionClassifier
from tests.training.conftest import CLASSES, write_image_folder
from training import calibrate, evaluate, train

TINY = [
    "--image-size", "32", "--width-mult", "0.25", "--depth-mult", "0.25", "--batch-size", "8",
    "--threads", "1", "--lr", "3e-3", "--warmup-epochs", "0.5", "--log-interval", "60",
]  # fmt: skip


def _run(data: Path, out: Path, *extra: str) -> None:
    assert (
        train.main(["--data", str(data), "--out", str(out), "--cache-dir", str(out.parent / "cache"), *TINY, *extra])
        == 0
    )


def _rows(out: Path) -> list[dict[str, str]]:
    with (out / "metrics.csv").open() as fh:
        return list(csv.DictReader(fh))


def test_a_two_epoch_run_writes_loadable_checkpoints_metrics_and_config(fer_like_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"

    _run(fer_like_data, out, "--epochs", "2", "--ema-decay", "0.9", "--erasing-p", "0.5")

    rows = _rows(out)
    assert [r["epoch"] for r in rows] == ["1", "2"]
    model, meta = load_checkpoint(out / "best.pt")
    assert meta.labels == CLASSES
    assert meta.input_size == 32 and meta.grayscale
    assert meta.metrics["val_accuracy"] == pytest.approx(max(float(r["val_accuracy"]) for r in rows), abs=1e-4)
    _, exported = load_checkpoint(out / "emotion_model.pt")
    digest, name = (out / "emotion_model.pt.sha256").read_text().split()
    assert (digest, name) == (file_sha256(out / "emotion_model.pt"), "emotion_model.pt")
    assert exported.weights_sha256 == meta.weights_sha256
    config = json.loads((out / "config.json").read_text())
    assert config["labels"] == list(CLASSES)
    assert config["args"]["epochs"] == 2
    assert len(config["mean"]) == 1 and 0 < config["mean"][0] < 1
    assert (out / "last.pt").is_file()
    assert EmotionClassifier.from_checkpoint(out / "emotion_model.pt").labels == CLASSES


def test_a_run_resumes_from_last_pt_where_it_stopped(fer_like_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    _run(fer_like_data, out, "--epochs", "1")

    _run(fer_like_data, out, "--epochs", "2")

    assert [r["epoch"] for r in _rows(out)] == ["1", "2"]


def test_a_time_limit_stops_the_run_cleanly_keeping_best_and_export(fer_like_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"

    _run(fer_like_data, out, "--epochs", "50", "--time-limit-minutes", "0.0001")

    assert len(_rows(out)) == 1
    load_checkpoint(out / "best.pt")
    load_checkpoint(out / "emotion_model.pt")


def test_without_a_val_folder_it_holds_out_a_stratified_split(tmp_path: Path) -> None:
    data = write_image_folder(tmp_path / "flat", per_class=10, seed=0)
    out = tmp_path / "run"

    _run(data, out, "--epochs", "1", "--val-fraction", "0.3", "--balance", "sampler")

    config = json.loads((out / "config.json").read_text())
    assert config["n_val"] == 9 and config["n_train"] == 21
    assert config["train_counts"] == [7, 7, 7]


def test_evaluate_prints_one_json_object_and_writes_a_confusion_matrix_png(
    fer_like_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    _run(fer_like_data, out, "--epochs", "1")
    capsys.readouterr()
    png = tmp_path / "cm.png"

    code = evaluate.main(
        [
            "--checkpoint",
            str(out / "emotion_model.pt"),
            "--data",
            str(fer_like_data / "val"),
            "--tta",
            "--cm-png",
            str(png),
        ]
    )

    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 12
    assert 0.0 <= result["accuracy"] <= 1.0 and 0.0 <= result["macro_f1"] <= 1.0
    assert set(result["per_class"]) == set(CLASSES)
    assert set(result["per_class"]["happy"]) == {"precision", "recall", "f1", "support"}
    assert len(result["confusion_matrix"]) == 3 and sum(map(sum, result["confusion_matrix"])) == 12
    assert result["tta"] is True
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_rejects_data_whose_classes_do_not_match_the_labels(
    fer_like_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    _run(fer_like_data, out, "--epochs", "1")
    other = write_image_folder(tmp_path / "other", per_class=2, seed=3, classes=("angry", "calm", "sad"))
    capsys.readouterr()

    code = evaluate.main(["--checkpoint", str(out / "best.pt"), "--data", str(other)])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert "do not match the checkpoint's labels" in captured.err


def test_a_run_can_start_from_an_exported_checkpoint_for_fine_tuning(fer_like_data: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    _run(fer_like_data, first, "--epochs", "1")

    second = tmp_path / "second"
    _run(fer_like_data, second, "--epochs", "1", "--init-from", str(first / "emotion_model.pt"), "--lr", "0")

    # With a learning rate of zero the learned weights stay exactly those it started from (only the
    # batch-norm running statistics, which are buffers, move).
    before, _ = load_checkpoint(first / "emotion_model.pt")
    after, _ = load_checkpoint(second / "best.pt")
    for (name, p_before), (_, p_after) in zip(before.named_parameters(), after.named_parameters(), strict=True):
        assert torch.equal(p_before, p_after), name


def test_fine_tuning_refuses_a_checkpoint_of_another_architecture(fer_like_data: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    _run(fer_like_data, first, "--epochs", "1")

    with pytest.raises(SystemExit, match="does not match"):
        _run(fer_like_data, tmp_path / "second", "--init-from", str(first / "emotion_model.pt"), "--stem-stride", "1")


def test_evaluate_on_whole_photos_reads_faces_through_the_worker_face_stage(
    fer_like_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    _run(fer_like_data, out, "--epochs", "1")
    photos = tmp_path / "photos"
    for name in CLASSES:
        (photos / name).mkdir(parents=True)
    portrait = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    cv2.imwrite(str(photos / "happy" / "astronaut.jpg"), portrait)
    cv2.imwrite(str(photos / "sad" / "wall.jpg"), cv2.cvtColor(data.brick(), cv2.COLOR_GRAY2BGR))
    cv2.imwrite(str(photos / "angry" / "coffee.jpg"), cv2.cvtColor(data.coffee(), cv2.COLOR_RGB2BGR))

    result = evaluate.run_evaluation(out / "emotion_model.pt", photos, photos=True)

    assert result["n"] == 3
    assert result["faces_found"] == 1  # the astronaut; the wall and the coffee cup hold no face
    # A photo without a face is a wrong answer, never a lucky guess: at most the astronaut can be right.
    assert result["accuracy"] <= 1 / 3
    assert sum(map(sum, result["confusion_matrix"])) == 1


def test_calibration_fits_a_temperature_that_lowers_nll_and_keeps_every_prediction(
    fer_like_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    _run(fer_like_data, out, "--epochs", "2")
    calibrated = tmp_path / "calibrated.pt"

    report = calibrate.calibrate(out / "emotion_model.pt", fer_like_data / "val", calibrated)

    _, before = load_checkpoint(out / "emotion_model.pt")
    _, after = load_checkpoint(calibrated)
    assert before.temperature == 1.0 and after.temperature == pytest.approx(report["temperature"])
    assert report["after"]["nll"] <= report["before"]["nll"] + 1e-9
    assert after.metrics["val_nll"] == pytest.approx(report["after"]["nll"])
    assert after.weights_sha256 == before.weights_sha256  # the weights are untouched
    plain = evaluate.run_evaluation(out / "emotion_model.pt", fer_like_data / "val")
    scaled = evaluate.run_evaluation(calibrated, fer_like_data / "val")
    assert scaled["confusion_matrix"] == plain["confusion_matrix"]
    assert scaled["calibration"]["nll"] == pytest.approx(report["after"]["nll"], abs=1e-4)
    assert (calibrated.parent / "calibrated.pt.sha256").read_text().split()[0] == file_sha256(calibrated)


def test_calibration_for_the_mirror_averaged_reading_fits_what_evaluate_with_tta_measures(
    fer_like_data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    _run(fer_like_data, out, "--epochs", "2")
    calibrated = tmp_path / "calibrated_tta.pt"

    report = calibrate.calibrate(out / "emotion_model.pt", fer_like_data / "val", calibrated, tta=True)

    _, after = load_checkpoint(calibrated)
    assert report["tta"] is True and after.metrics["temperature_fit_mirror_averaged"] == 1.0
    assert report["after"]["nll"] <= report["before"]["nll"] + 1e-9
    # The NLL it minimised is the one `evaluate --tta` reports for the calibrated checkpoint.
    scaled = evaluate.run_evaluation(calibrated, fer_like_data / "val", tta=True)
    assert scaled["calibration"]["nll"] == pytest.approx(report["after"]["nll"], abs=1e-4)
