"""POST /api/v1/captures/ with a reading made on the phone: only scores travel, never the photo."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import pytest
from rest_framework.test import APIClient

from emotions.classifier import active_export, clear_classifier_cache
from emotions.models import Capture, EmotionEvent, Visitor
from exhibits.models import Exhibit
from ml.checkpoint import save_checkpoint
from ml.export import ensure_export
from ml.faces import DEFAULT_DETECTOR
from ml.preprocess import to_model_pixels
from reports.models import ReportEvent
from tests.ml.conftest import tiny_meta, tiny_model

pytestmark = pytest.mark.django_db
URL = "/api/v1/captures/"


def phone_reading(client: APIClient, face: np.ndarray) -> tuple[str, dict[str, float]]:
    """What the phone does: download the current model and read the face with onnxruntime."""
    manifest = client.get("/api/v1/models/current/").json()
    response = client.get(manifest["classifier"]["url"])
    session = onnxruntime.InferenceSession(b"".join(response.streaming_content), providers=["CPUExecutionProvider"])  # type: ignore[attr-defined]
    contract = manifest["preprocessing"]
    pixels = to_model_pixels(face, contract["input_size"], contract["grayscale"]).transpose(2, 0, 1)[None]
    if manifest["server_reading"]["flip_average"]:  # read as the server reads: with the mirror image
        pixels = np.concatenate([pixels, pixels[:, :, :, ::-1]])
    probabilities = session.run(["probabilities"], {"pixels": pixels.astype(np.float32)})[0].mean(axis=0)
    return manifest["model_version"], {
        label: float(p) for label, p in zip(manifest["labels"], probabilities, strict=False)
    }


def send(client: APIClient, body: dict[str, Any], key: str | None = None) -> Any:
    return client.post(URL, body, format="json", headers={"Idempotency-Key": key} if key else None)


def test_a_reading_made_on_the_phone_is_stored_at_once_as_a_device_event(
    visitor_client: APIClient, visitor: Visitor, exhibit: Exhibit
) -> None:
    face = np.random.default_rng(1).integers(0, 256, (120, 120, 3), dtype=np.uint8)
    version, scores = phone_reading(visitor_client, face)

    response = send(
        visitor_client, {"exhibit": exhibit.slug, "scores": scores, "model_version": version, "source": "device"}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["source"], body["model_version"]) == ("done", "device", version)
    assert body["emotion"] == max(scores, key=lambda label: scores[label])
    assert response["Location"].endswith(f"/api/v1/captures/{body['id']}/")
    event = EmotionEvent.objects.get(capture_id=body["id"])
    assert (event.source, event.visitor_id, event.exhibit_id) == ("device", visitor.pk, exhibit.pk)
    assert ReportEvent.objects.get(event=event).source == "device"
    assert Capture.objects.get(pk=body["id"]).image.name == ""
    assert visitor_client.get(f"/api/v1/captures/{body['id']}/").json()["source"] == "device"


def test_the_same_face_reads_the_same_on_the_phone_and_on_the_server(
    visitor_client: APIClient, exhibit: Exhibit
) -> None:
    from emotions.classifier import get_classifier

    face = np.random.default_rng(2).integers(0, 256, (90, 90, 3), dtype=np.uint8)
    _, on_phone = phone_reading(visitor_client, face)
    on_server = get_classifier().predict([face])[0].scores

    assert max(abs(on_phone[label] - on_server[label]) for label in on_server) < 0.01


def _valid(client: APIClient, exhibit: Exhibit) -> dict[str, Any]:
    version, scores = phone_reading(client, np.full((64, 64, 3), 128, dtype=np.uint8))
    return {"exhibit": exhibit.pk, "scores": scores, "model_version": version, "source": "device"}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda body: body.update(model_version="efficientnet_v2_b0-000000000000"), "unknown_model_version"),
        (lambda body: body["scores"].pop("happy"), "scores_labels_mismatch"),
        (lambda body: body["scores"].update(calm=0.0), "scores_labels_mismatch"),
        (lambda body: body["scores"].update(happy=-0.2, sad=body["scores"]["sad"] + 0.2), "invalid_scores"),
        (lambda body: body["scores"].update({label: 0.1 for label in body["scores"]}), "scores_not_normalised"),
        (lambda body: body["scores"].update(happy="very"), "invalid_input"),
        (lambda body: body.update(source="server"), "invalid_choice"),
        (lambda body: body.update(exhibit="no-such-exhibit"), "unknown_exhibit"),
    ],
)
def test_a_bad_reading_gets_a_clear_400_and_stores_nothing(
    visitor_client: APIClient, exhibit: Exhibit, change: Callable[[dict[str, Any]], None], code: str
) -> None:
    body = _valid(visitor_client, exhibit)
    change(body)

    response = send(visitor_client, body)

    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["detail"]
    assert not Capture.objects.exists() and not EmotionEvent.objects.exists()


def test_without_consent_a_reading_is_refused(visitor_client: APIClient, visitor: Visitor, exhibit: Exhibit) -> None:
    body = _valid(visitor_client, exhibit)
    visitor.consent_emotion_analysis = False
    visitor.save()

    response = send(visitor_client, body)

    assert (response.status_code, response.json()["code"]) == (403, "consent_required")
    assert not EmotionEvent.objects.exists()


def test_a_retry_with_the_same_idempotency_key_stores_one_reading(visitor_client: APIClient, exhibit: Exhibit) -> None:
    body = _valid(visitor_client, exhibit)

    first = send(visitor_client, body, key="read-1")
    again = send(visitor_client, body, key="read-1")

    assert first.json()["id"] == again.json()["id"]
    assert EmotionEvent.objects.count() == 1


def test_the_previous_model_is_still_accepted_but_not_older_ones(
    visitor_client: APIClient, exhibit: Exhibit, settings: Any, tmp_path: Path
) -> None:
    current = active_export()
    settings.EMOTION_EXPORT_DIR = tmp_path / "models"
    older = tmp_path / "older.pt"
    meta = tiny_meta()
    model = tiny_model(meta)
    save_checkpoint(older, model, meta)
    oldest = ensure_export(older, settings.EMOTION_EXPORT_DIR, DEFAULT_DETECTOR)
    for parameter in model.parameters():
        parameter.data.mul_(1.01)
    save_checkpoint(older, model, meta)
    previous = ensure_export(older, settings.EMOTION_EXPORT_DIR, DEFAULT_DETECTOR)
    shutil.copytree(current, settings.EMOTION_EXPORT_DIR / current.name)
    clear_classifier_cache()
    uniform = {label: 1 / len(meta.labels) for label in meta.labels}
    body = {"exhibit": exhibit.pk, "scores": uniform, "source": "device"}

    assert send(visitor_client, {**body, "model_version": previous.name}).status_code == 201
    refused = send(visitor_client, {**body, "model_version": oldest.name})
    assert (refused.status_code, refused.json()["code"]) == (400, "unknown_model_version")
