"""Catalogue test fixtures: media in a temporary folder, a fresh walking cache, the model's labels per test."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import SettingsWrapper

from exhibits.extensions import register_emotion_labels_provider
from exhibits.walking import clear_walking_cache

LABELS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: SettingsWrapper, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_walking_cache() -> Iterator[None]:
    clear_walking_cache()
    yield
    clear_walking_cache()


@pytest.fixture(autouse=True)
def _model_labels() -> Iterator[None]:
    """The active model's labels (the admin's prior form), without loading a checkpoint."""
    previous = register_emotion_labels_provider(lambda: LABELS)
    yield
    register_emotion_labels_provider(previous)
