"""Visitors: creation with a token, profile and consent, export, erasure, journey; privacy and labels."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from emotions import services
from emotions.models import Capture, CaptureStatus, EmotionEvent, Visitor, VisitorToken
from emotions.storage import private_storage
from tests.emotions import images
from tests.emotions.factories import CaptureFactory, EmotionEventFactory, VisitorFactory, visitor_key
from tests.exhibits.factories import ExhibitFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/visitors/me/"


def stored_capture(visitor: Visitor, **fields: Any) -> Capture:
    """A capture with a real file in private storage."""
    name = private_storage.save("captures/test.jpg", ContentFile(images.small_jpeg()))
    return CaptureFactory.create(visitor=visitor, image=name, **fields)


def test_anyone_can_create_a_visitor_and_gets_its_token_once(labels: tuple[str, ...], settings: Any) -> None:
    response = APIClient().post(
        "/api/v1/visitors/",
        {"consent_emotion_analysis": True, "language": "de", "desired_emotions": [labels[0], labels[-1]]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    visitor = Visitor.objects.get(pk=body["id"])
    assert body["token"].startswith(VisitorToken.PREFIX)
    assert body["language"] == "de" and body["desired_emotions"] == [labels[0], labels[-1]]
    assert body["consent_emotion_analysis"] is True
    assert body["consent_version"] == settings.PRIVACY_NOTICE_VERSION
    assert visitor.consent_given_at is not None
    # Only a digest is stored: a database leak does not hand out working keys.
    assert not VisitorToken.objects.filter(digest=body["token"]).exists()
    assert VisitorToken.objects.get().digest == VisitorToken.hash_key(body["token"])

    me = APIClient()
    me.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert me.get(ME).json()["id"] == body["id"]
    assert "token" not in me.get(ME).json()


def test_a_visitor_is_created_without_consent_by_default() -> None:
    body = APIClient().post("/api/v1/visitors/", {}, format="json").json()

    assert body["consent_emotion_analysis"] is False
    assert body["consent_given_at"] is None and body["consent_version"] == ""


def test_desired_emotions_must_be_labels_of_the_active_model(labels: tuple[str, ...]) -> None:
    response = APIClient().post("/api/v1/visitors/", {"desired_emotions": ["bliss"]}, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "unknown_emotion")
    assert all(label in response.json()["detail"] for label in labels)
    assert Visitor.objects.count() == 0


def test_an_unknown_language_is_refused() -> None:
    response = APIClient().post("/api/v1/visitors/", {"language": "xx"}, format="json")

    assert response.status_code == 400
    assert Visitor.objects.count() == 0


@pytest.mark.parametrize("header", [None, "Token mgv_not-a-real-key", "Bearer something"])
def test_the_profile_needs_a_valid_visitor_token(header: str | None) -> None:
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["code"] in {"not_authenticated", "authentication_failed"}


def test_staff_drf_tokens_keep_working_but_are_not_visitors() -> None:
    staff = User.objects.create_user("curator", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")

    response = client.get(ME)

    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_a_visitor_changes_language_and_desired_emotions(
    visitor: Visitor, visitor_client: APIClient, labels: tuple[str, ...]
) -> None:
    response = visitor_client.patch(ME, {"language": "fr", "desired_emotions": [labels[1]]}, format="json")

    assert response.status_code == 200
    visitor.refresh_from_db()
    assert (visitor.language, visitor.desired_emotions) == ("fr", [labels[1]])


def test_withdrawing_consent_stops_processing_of_pending_captures(
    visitor: Visitor,
    visitor_client: APIClient,
    private_files: Callable[[], list[Path]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    pending = stored_capture(visitor)
    processing = stored_capture(visitor, status=CaptureStatus.PROCESSING, attempts=1)
    finished = EmotionEventFactory.create(capture__visitor=visitor)

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_client.patch(ME, {"consent_emotion_analysis": False}, format="json")

    assert response.status_code == 200
    assert response.json()["consent_withdrawn_at"] is not None
    for capture in (pending, processing):
        capture.refresh_from_db()
        assert (capture.status, capture.error_code, capture.image.name) == ("failed", "consent_withdrawn", "")
    assert private_files() == []
    # The worker leaves a withdrawn capture alone even if its message is still queued.
    services.capture_classify(capture_id=pending.pk)
    pending.refresh_from_db()
    assert pending.status == CaptureStatus.FAILED and EmotionEvent.objects.filter(capture=pending).count() == 0
    # Results recorded before the withdrawal stay until the visitor erases them.
    assert EmotionEvent.objects.filter(pk=finished.pk).exists()


def test_giving_consent_again_records_the_current_notice_version(settings: Any) -> None:
    visitor = VisitorFactory.create(consent_emotion_analysis=False, consent_given_at=None, consent_version="")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {visitor_key(visitor)}")

    body = client.patch(ME, {"consent_emotion_analysis": True}, format="json").json()

    assert body["consent_emotion_analysis"] is True
    assert body["consent_version"] == settings.PRIVACY_NOTICE_VERSION


def test_the_journey_lists_own_events_newest_first_in_pages(visitor: Visitor, visitor_client: APIClient) -> None:
    events = [EmotionEventFactory.create(capture__visitor=visitor) for _ in range(3)]
    for age, event in enumerate(events):
        EmotionEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=age))
    EmotionEventFactory.create()  # someone else's

    first = visitor_client.get("/api/v1/visitors/me/events/?page_size=2").json()
    second = visitor_client.get(first["next"]).json()

    assert first["count"] == 3
    assert [row["id"] for row in first["results"] + second["results"]] == [event.pk for event in events]
    assert set(first["results"][0]) >= {"exhibit", "emotion", "confidence", "scores", "model_version", "created_at"}


def test_the_journey_names_each_exhibit_in_the_visitors_language(client_for: Callable[[Visitor], APIClient]) -> None:
    visitor = VisitorFactory.create(language="ru")
    exhibit = ExhibitFactory.create(title="Ice Drift", translations={"ru": {"title": "Ледоход"}})
    EmotionEventFactory.create(capture__visitor=visitor, capture__exhibit=exhibit)

    (row,) = client_for(visitor).get("/api/v1/visitors/me/events/").json()["results"]

    assert row["exhibit"] == exhibit.pk
    assert row["exhibit_title"] == "Ледоход"


def test_export_returns_everything_and_erasure_then_removes_every_row_and_file(
    visitor: Visitor,
    visitor_client: APIClient,
    private_files: Callable[[], list[Path]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    event = EmotionEventFactory.create(capture__visitor=visitor)
    pending = stored_capture(visitor)
    other = EmotionEventFactory.create()
    other_file = stored_capture(other.visitor)
    assert len(private_files()) == 2

    export = visitor_client.get(f"{ME}export/")

    assert export.status_code == 200
    data = export.json()
    assert data["visitor"]["id"] == str(visitor.id)
    assert {row["id"] for row in data["captures"]} == {str(event.capture_id), str(pending.id)}
    assert [row["id"] for row in data["emotion_events"]] == [event.pk]
    assert data["emotion_events"][0]["scores"] == event.scores
    assert "expressions" in data["note"]

    with django_capture_on_commit_callbacks(execute=True):
        response = visitor_client.delete(ME)

    assert response.status_code == 204
    assert not Visitor.objects.filter(pk=visitor.pk).exists()
    assert not VisitorToken.objects.filter(visitor_id=visitor.pk).exists()
    assert not Capture.objects.filter(visitor_id=visitor.pk).exists()
    assert not EmotionEvent.objects.filter(visitor_id=visitor.pk).exists()
    # Only the other visitor's data remains.
    assert [path.name for path in private_files()] == [Path(other_file.image.name).name]
    assert EmotionEvent.objects.get() == other
    assert visitor_client.get(ME).status_code == 401


def test_the_privacy_notice_explains_what_happens_to_the_photo(settings: Any) -> None:
    body = APIClient().get("/api/v1/privacy/").json()

    assert body["version"] == settings.PRIVACY_NOTICE_VERSION
    text = " ".join(body["text"].lower().split())
    assert "expressed" in text and "not a judgement of what you felt" in text
    assert "deleted right after processing" in text
    assert "we do not know who you are" in text


def test_the_privacy_notice_states_this_deployments_retention_period_and_audited_support_access(
    settings: Any,
) -> None:
    settings.VISITOR_RETENTION_DAYS = 45

    text = " ".join(APIClient().get("/api/v1/privacy/").json()["text"].split())

    assert "for 45 days, everything stored about you is deleted automatically" in text
    assert "every such access is logged" in text


def test_the_privacy_notice_states_what_is_published_to_whom_with_this_deployments_threshold(settings: Any) -> None:
    settings.REPORT_MIN_GROUP_SIZE = 8

    text = " ".join(APIClient().get("/api/v1/privacy/").json()["text"].split())

    assert "nothing that describes fewer than 8 visitors" in text
    assert "after at least 8 new visitors" in text
    assert "each visitor counts once" in text
    assert "changed by up to 2" in text


@pytest.mark.parametrize(
    ("language", "choice", "fallback"),
    [
        ("en", "analyse on my phone", "the app tells you and sends the photo to our server"),
        ("ru", "анализировать на телефоне", "и отправляет фото на наш сервер"),
    ],
)
def test_the_privacy_notice_describes_reading_on_the_phone_and_when_the_photo_is_sent_after_all(
    language: str, choice: str, fallback: str
) -> None:
    text = " ".join(APIClient().get(f"/api/v1/privacy/?lang={language}").json()["text"].lower().split())

    assert choice in text and fallback in text


def test_the_privacy_notice_comes_in_the_readers_language_under_the_same_version(settings: Any) -> None:
    settings.VISITOR_RETENTION_DAYS = 45
    english = APIClient().get("/api/v1/privacy/").json()
    russian = APIClient().get("/api/v1/privacy/?lang=ru").json()
    by_header = APIClient().get("/api/v1/privacy/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9").json()

    assert russian == by_header and russian["language"] == "ru" and english["language"] == "en"
    assert russian["version"] == english["version"] == settings.PRIVACY_NOTICE_VERSION
    text = " ".join(russian["text"].split())
    assert "если вы 45 дней не делаете селфи" in text
    assert not re.search(r"[A-Za-z]{4,}", text.replace("GPS", "").replace("API", "").replace("CSV", ""))
    # A language without a translation of the notice reads the original; an unknown one is refused.
    assert APIClient().get("/api/v1/privacy/?lang=de").json()["language"] == "en"
    refused = APIClient().get("/api/v1/privacy/?lang=xx")
    assert refused.status_code == 400 and refused.json()["code"] == "unsupported_language"


def test_the_emotion_labels_come_from_the_models_checkpoint(emotion_model_path: Path) -> None:
    from ml.checkpoint import load_checkpoint

    _, meta = load_checkpoint(emotion_model_path)

    body = APIClient().get("/api/v1/emotions/").json()

    assert body["labels"] == list(meta.labels)
    assert body["model_version"] == meta.version
    assert "not" in body["note"]


def test_labels_report_503_when_the_model_is_missing(settings: Any, tmp_path: Path) -> None:
    settings.EMOTION_MODEL_PATH = tmp_path / "missing.pt"

    response = APIClient().get("/api/v1/emotions/")

    assert (response.status_code, response.json()["code"]) == (503, "model_unavailable")


def test_readiness_includes_the_model(client: Any) -> None:
    response = client.get("/readyz")

    assert response.json()["checks"]["model"] == "ok"


def _phone(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_rotating_the_key_gives_a_new_one_and_the_old_one_stops_working() -> None:
    old = APIClient().post("/api/v1/visitors/", {"consent_emotion_analysis": True}, format="json").json()["token"]

    response = _phone(old).post("/api/v1/visitors/me/token/")

    new = response.json()["token"]
    assert response.status_code == 201 and new.startswith("mgv_") and new != old
    assert _phone(old).get(ME).status_code == 401
    assert _phone(new).get(ME).json()["consent_emotion_analysis"] is True


def test_revoking_signs_out_this_phone_only_and_keeps_the_visitors_data() -> None:
    first = APIClient().post("/api/v1/visitors/", {}, format="json").json()["token"]
    second = _phone(first).post("/api/v1/visitors/me/token/").json()["token"]
    third = _phone(second).post("/api/v1/visitors/me/token/").json()["token"]  # only `third` is valid now
    visitor_id = _phone(third).get(ME).json()["id"]

    response = _phone(third).delete("/api/v1/visitors/me/token/")

    assert response.status_code == 204
    assert [_phone(key).get(ME).status_code for key in (first, second, third)] == [401, 401, 401]
    assert Visitor.objects.filter(pk=visitor_id).exists()


def test_token_endpoints_need_a_visitor_key() -> None:
    assert APIClient().post("/api/v1/visitors/me/token/").status_code == 401
    assert APIClient().delete("/api/v1/visitors/me/token/").status_code == 401
