"""GET /api/v1/models/current/ and the model files: what a phone downloads to read selfies on the device."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import pytest
from rest_framework.test import APIClient

from emotions.classifier import clear_classifier_cache, get_classifier
from ml.preprocess import to_model_pixels

pytestmark = pytest.mark.django_db


def _download(client: APIClient, url: str) -> tuple[bytes, dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content), dict(response.headers)  # type: ignore[attr-defined]


def test_the_manifest_names_the_model_the_server_runs_with_its_labels_and_contract(emotion_model_path: Path) -> None:
    client = APIClient()
    manifest = client.get("/api/v1/models/current/").json()
    labels = client.get("/api/v1/emotions/").json()

    assert manifest["model_version"] == labels["model_version"] == get_classifier().version
    assert manifest["labels"] == labels["labels"]
    assert manifest["inputs"]["pixels"]["layout"] == "NCHW"
    assert {"input_size", "grayscale", "mean", "std"} <= set(manifest["preprocessing"])
    assert manifest["classifier"]["url"].endswith(f"/api/v1/models/{manifest['model_version']}/emotion_model.onnx")


def test_the_manifest_says_how_this_server_reads_a_photo(emotion_model_path: Path, settings: Any) -> None:
    settings.FACE_DETECTOR_MIN_SCORE, settings.FACE_DETECTOR_CONFIRM_SCORE = 0.85, 0.5

    reading = APIClient().get("/api/v1/models/current/").json()["server_reading"]

    detector = reading["face_detector"]
    assert (detector["score_threshold"], detector["confirm_threshold"]) == (0.85, 0.5)
    assert detector["detect_sides"] == [640, 1008, 1344] and detector["strides"] == [8, 16, 32]
    assert reading["photo"]["read_long_side"] == 2000


def test_the_manifest_is_revalidated_with_its_etag(emotion_model_path: Path) -> None:
    client = APIClient()
    first = client.get("/api/v1/models/current/")

    assert "no-cache" in first["Cache-Control"]
    assert client.get("/api/v1/models/current/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_files_download_with_their_checksums_a_strong_etag_and_immutable_caching(emotion_model_path: Path) -> None:
    client = APIClient()
    manifest = client.get("/api/v1/models/current/").json()

    for part in ("classifier", "detector", "verifier"):
        body, headers = _download(client, manifest[part]["url"])
        assert hashlib.sha256(body).hexdigest() == manifest[part]["sha256"]
        assert len(body) == manifest[part]["bytes"]
        assert headers["ETag"] == f'"{manifest[part]["sha256"]}"'
        assert "immutable" in headers["Cache-Control"]
        again = client.get(manifest[part]["url"], HTTP_IF_NONE_MATCH=headers["ETag"])
        assert again.status_code == 304


def test_the_downloaded_model_reads_a_face_as_the_server_does(emotion_model_path: Path) -> None:
    client = APIClient()
    manifest = client.get("/api/v1/models/current/").json()
    body, _ = _download(client, manifest["classifier"]["url"])
    rng = np.random.default_rng(0)
    face = rng.integers(0, 256, (96, 96, 3), dtype=np.uint8)

    contract = manifest["preprocessing"]
    pixels = to_model_pixels(face, contract["input_size"], contract["grayscale"]).transpose(2, 0, 1)[None]
    session = onnxruntime.InferenceSession(body, providers=["CPUExecutionProvider"])
    if manifest["server_reading"]["flip_average"]:  # the face and its mirror image, averaged, as the server reads
        pixels = np.concatenate([pixels, pixels[:, :, :, ::-1]])
    on_device = session.run(["probabilities"], {"pixels": pixels.astype(np.float32)})[0].mean(axis=0)
    on_server = get_classifier().predict([face])[0]

    assert np.abs(on_device - np.array([on_server.scores[label] for label in manifest["labels"]])).max() < 1e-4


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/models/no-such-version/emotion_model.onnx",
        "/api/v1/models/..%2F..%2Fml/emotion_model.pt",
        "/api/v1/models/.hidden/manifest.json",
    ],
)
def test_unknown_versions_and_files_are_a_json_404(emotion_model_path: Path, path: str) -> None:
    response = APIClient().get(path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_only_the_files_the_manifest_lists_are_served(emotion_model_path: Path) -> None:
    client = APIClient()
    version = client.get("/api/v1/models/current/").json()["model_version"]

    response = client.get(f"/api/v1/models/{version}/manifest.json")

    assert response.status_code == 404


@pytest.mark.parametrize("tta", [False, True])
def test_the_manifest_says_whether_the_server_averages_the_mirrored_face(
    emotion_model_path: Path, settings: Any, tta: bool
) -> None:
    settings.EMOTION_MODEL_TTA = tta
    clear_classifier_cache()

    manifest = APIClient().get("/api/v1/models/current/").json()

    assert manifest["server_reading"]["flip_average"] is tta
    assert get_classifier().tta is tta  # type: ignore[attr-defined]
