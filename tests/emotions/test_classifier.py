"""The active classifier is loaded once per process and replaced when the model file changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from emotions.classifier import active_labels, active_model_version, get_classifier


def test_the_classifier_is_loaded_once_and_shared(emotion_model_path: Path) -> None:
    first = get_classifier()

    assert get_classifier() is first
    assert active_labels() == tuple(first.labels)
    assert active_model_version() == first.version


def test_a_new_model_file_at_the_path_is_picked_up(emotion_model_path: Path, tmp_path: Path, settings: Any) -> None:
    deployed = tmp_path / "deployed.pt"
    shutil.copy(emotion_model_path, deployed)
    settings.EMOTION_MODEL_PATH = deployed
    before = get_classifier()

    stat = deployed.stat()
    os.utime(deployed, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a deploy replaced the file

    assert get_classifier() is not before
