"""Fixtures of the emotions tests: the emotion model, private storage, API clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from emotions.classifier import clear_classifier_cache
from emotions.models import Visitor
from exhibits.models import Exhibit
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory

SHIPPED_MODEL = Path(django_settings.BASE_DIR) / "ml" / "weights" / "emotion_model.pt"
# Labels of the stand-in checkpoint only; the app itself reads labels from whatever checkpoint it loads.
STAND_IN_LABELS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")


@pytest.fixture(scope="session")
def emotion_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped model when present, else a small randomly initialised checkpoint in its format."""
    if SHIPPED_MODEL.is_file():
        return SHIPPED_MODEL
    from ml.checkpoint import ModelMeta, save_checkpoint
    from ml.model import build_model

    options = {"width_mult": 0.25, "depth_mult": 0.25}
    model = build_model("efficientnet_v2_b0", len(STAND_IN_LABELS), **options)  # type: ignore[arg-type]
    meta = ModelMeta(
        arch="efficientnet_v2_b0",
        labels=STAND_IN_LABELS,
        input_size=64,
        grayscale=False,
        mean=(0.5, 0.5, 0.5),
        std=(0.25, 0.25, 0.25),
        arch_options=options,
    )
    path = tmp_path_factory.mktemp("model") / "emotion_model.pt"
    save_checkpoint(path, model, meta)
    return path


@pytest.fixture(autouse=True)
def _emotion_settings(settings: pytest.FixtureRequest, emotion_model_path: Path, tmp_path: Path) -> Iterator[None]:
    """Every test uses the model above and its own empty private media root."""
    settings.EMOTION_MODEL_PATH = emotion_model_path  # type: ignore[attr-defined]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"  # type: ignore[attr-defined]
    yield
    clear_classifier_cache()


@pytest.fixture
def private_files(tmp_path: Path) -> Callable[[], list[Path]]:
    """Lists the files currently in private media."""
    return lambda: sorted(path for path in (tmp_path / "private").rglob("*") if path.is_file())


@pytest.fixture
def labels() -> tuple[str, ...]:
    """The active model's labels, read from its checkpoint."""
    from emotions.classifier import active_labels

    return active_labels()


@pytest.fixture
def exhibit(db: None) -> Exhibit:
    return ExhibitFactory.create()


@pytest.fixture
def visitor(db: None) -> Visitor:
    return VisitorFactory.create()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Calls a function and then runs its on-commit callbacks (file deletion, enqueueing)."""

    def call(function: Callable[..., Any], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return call
