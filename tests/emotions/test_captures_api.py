"""POST /api/v1/captures/ and GET /api/v1/captures/{id}/: validation, privacy, ownership."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from PIL import Image
from rest_framework.test import APIClient

from emotions.models import Capture, CaptureStatus, EmotionEvent, Visitor
from emotions.tasks import classify_capture_task
from exhibits.models import Exhibit
from ml.faces import FaceDetector
from tests.emotions import images
from tests.emotions.factories import CaptureFactory, EmotionEventFactory, VisitorFactory
from tests.exhibits.factories import ExhibitFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/captures/"


def upload(client: APIClient, exhibit: Exhibit | str, data: bytes, name: str = "selfie.jpg", **extra: Any) -> Any:
    reference = exhibit if isinstance(exhibit, str) else str(exhibit.pk)
    body = {"exhibit": reference, "image": SimpleUploadedFile(name, data, content_type="image/jpeg"), **extra}
    return client.post(URL, body, format="multipart")


def test_a_selfie_is_accepted_stored_privately_and_enqueued_after_commit(
    visitor_client: APIClient,
    exhibit: Exhibit,
    private_files: Callable[[], list[Path]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(visitor_client, exhibit, images.small_jpeg())

    assert response.status_code == 202, response.json()
    capture = Capture.objects.get()
    assert response.json() == {"id": str(capture.id), "status": "pending"}
    assert capture.exhibit == exhibit
    assert [path.name for path in private_files()] == [Path(capture.image.name).name]
    assert len(callbacks) == 1  # the classification task, sent only once the row is committed


def test_the_202_says_where_and_how_soon_to_poll(visitor_client: APIClient, exhibit: Exhibit) -> None:
    response = upload(visitor_client, exhibit, images.small_jpeg())

    capture = Capture.objects.get()
    assert response["Location"] == f"/api/v1/captures/{capture.id}/"
    assert response["Retry-After"] == "1"
    assert visitor_client.get(response["Location"]).json()["id"] == str(capture.id)


def _keyed(client: APIClient, exhibit: Exhibit, key: str) -> Any:
    """An upload carrying an Idempotency-Key header."""
    image = SimpleUploadedFile("selfie.jpg", images.small_jpeg(), content_type="image/jpeg")
    body = {"exhibit": str(exhibit.pk), "image": image}
    return client.post(URL, body, format="multipart", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retried_upload_with_the_same_idempotency_key_returns_the_first_capture(
    visitor_client: APIClient, exhibit: Exhibit, private_files: Callable[[], list[Path]]
) -> None:
    first = _keyed(visitor_client, exhibit, "6f1c2e1a-retry")
    retry = _keyed(visitor_client, exhibit, "6f1c2e1a-retry")
    other = _keyed(visitor_client, exhibit, "another-key")

    assert first.status_code == retry.status_code == other.status_code == 202
    assert retry.json()["id"] == first.json()["id"] != other.json()["id"]
    assert Capture.objects.count() == 2 and len(private_files()) == 2


def test_an_idempotency_key_is_per_visitor(
    visitor_client: APIClient, exhibit: Exhibit, client_for: Callable[..., APIClient]
) -> None:
    from tests.emotions.factories import VisitorFactory

    mine = _keyed(visitor_client, exhibit, "same-key")
    theirs = _keyed(client_for(VisitorFactory.create()), exhibit, "same-key")

    assert mine.json()["id"] != theirs.json()["id"]


@pytest.mark.parametrize("key", ["", "with space", "x" * 65, "ключ"])
def test_a_malformed_idempotency_key_is_refused_and_stores_nothing(
    visitor_client: APIClient, exhibit: Exhibit, key: str
) -> None:
    response = _keyed(visitor_client, exhibit, key)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert Capture.objects.count() == 0


def test_the_exhibit_may_be_given_by_its_slug(visitor_client: APIClient, exhibit: Exhibit) -> None:
    response = upload(visitor_client, exhibit.slug, images.small_jpeg())

    assert response.status_code == 202
    assert Capture.objects.get().exhibit == exhibit


def test_the_stored_photo_is_upright_and_carries_no_exif(
    visitor_client: APIClient, exhibit: Exhibit, private_files: Callable[[], list[Path]]
) -> None:
    response = upload(visitor_client, exhibit, images.rotated_jpeg_with_gps())

    assert response.status_code == 202
    (stored,) = private_files()
    with Image.open(stored) as image:
        assert image.size == (40, 60)  # EXIF orientation 6 applied: the 60x40 sensor image stands upright
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    assert b"PhoneCo" not in stored.read_bytes()


@pytest.mark.parametrize("orientation", [1, 6])
def test_an_iphone_heic_selfie_is_read_and_stored_upright_as_jpeg(
    visitor_client: APIClient, exhibit: Exhibit, private_files: Callable[[], list[Path]], orientation: int
) -> None:
    response = upload(visitor_client, exhibit, images.portrait_heic(orientation), name="IMG_0001.HEIC")

    assert response.status_code == 202, response.json()
    (stored,) = private_files()
    with Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (512, 512)
        rgb = np.asarray(image.convert("RGB"))
    # Upright: the face is where it is in the upright portrait (box at x=178, y=63), not turned aside.
    face = FaceDetector().detect(rgb)[0].box
    assert abs(face.x - 178) < 15 and abs(face.y - 63) < 15


def test_an_image_larger_than_djangos_in_memory_limit_is_still_accepted(
    visitor_client: APIClient, exhibit: Exhibit
) -> None:
    data = images.noise_png()
    assert len(data) > 2_621_440  # streamed to a temporary file by Django, not rejected

    response = upload(visitor_client, exhibit, data, name="big.png")

    assert response.status_code == 202, response.json()


@pytest.mark.parametrize(
    "face_box", ["5,10,30,45", " 5, 10, 30, 45 ", "[5, 10, 30, 45]", '{"x": 5, "y": 10, "w": 30, "h": 45}']
)
def test_a_face_box_inside_the_oriented_image_is_kept(
    visitor_client: APIClient, exhibit: Exhibit, face_box: str
) -> None:
    # The sensor image is 60x40 but upright it is 40x60: a box 30 high fits only after orientation.
    response = upload(visitor_client, exhibit, images.rotated_jpeg_with_gps(), face_box=face_box)

    assert response.status_code == 202, response.json()
    assert Capture.objects.get().face_box == {"x": 5, "y": 10, "w": 30, "h": 45}


def test_a_12_megapixel_photo_is_stored_reduced_with_its_face_box_in_the_stored_pixels(
    visitor_client: APIClient, exhibit: Exhibit, private_files: Callable[[], list[Path]]
) -> None:
    # Stored sideways (3024x4032) with an EXIF orientation: upright 4032x3024, which the phone's box refers to.
    photo = images.phone_photo_jpeg(orientation=6)

    response = upload(visitor_client, exhibit, photo, face_box="4000,2990,30,30")

    assert response.status_code == 202, response.json()
    capture = Capture.objects.get()
    assert (capture.image_width, capture.image_height) == (2016, 1512)
    assert capture.face_box == {"x": 2000, "y": 1495, "w": 15, "h": 15}
    with Image.open(private_files()[0]) as stored:
        assert stored.size == (2016, 1512)
    outside = upload(visitor_client, exhibit, photo, face_box="4010,2990,30,30")
    assert (outside.status_code, outside.json()["code"]) == (400, "face_box_out_of_bounds")


def test_an_upload_with_two_images_is_refused_and_stores_nothing(
    visitor_client: APIClient, exhibit: Exhibit, private_files: Callable[[], list[Path]]
) -> None:
    files = [SimpleUploadedFile(f"{i}.jpg", images.portrait_jpeg(), content_type="image/jpeg") for i in range(2)]

    response = visitor_client.post(URL, {"exhibit": str(exhibit.pk), "image": files}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "multiple_images"
    assert Capture.objects.count() == 0 and private_files() == []


def _thirty_megabytes() -> bytes:
    return images.small_jpeg() + bytes(30 * 1024 * 1024)


BAD_UPLOADS = [
    pytest.param(lambda: b"%PDF-1.4 definitely not a picture", {}, 400, "not_an_image", id="not-an-image"),
    pytest.param(images.truncated_jpeg, {}, 400, "corrupt_image", id="truncated-jpeg"),
    pytest.param(lambda: b"", {}, 400, "empty_image", id="empty-file"),
    pytest.param(_thirty_megabytes, {}, 413, "image_too_large", id="30-MB"),
    pytest.param(images.huge_png, {}, 413, "image_too_many_pixels", id="20000x20000-png"),
    pytest.param(lambda: images.encode(Image.new("RGB", (8, 8)), "GIF"), {}, 415, "unsupported_image_format", id="gif"),
    pytest.param(images.small_jpeg, {"face_box": "1,2,3"}, 400, "invalid_face_box", id="face-box-three-numbers"),
    pytest.param(images.small_jpeg, {"face_box": "a,b,c,d"}, 400, "invalid_face_box", id="face-box-not-numbers"),
    pytest.param(images.small_jpeg, {"face_box": "0,0,0,10"}, 400, "invalid_face_box", id="face-box-empty"),
    pytest.param(images.small_jpeg, {"face_box": "-1,0,10,10"}, 400, "invalid_face_box", id="face-box-negative"),
    pytest.param(images.small_jpeg, {"face_box": "1.5,0,10,10"}, 400, "invalid_face_box", id="face-box-fraction"),
    pytest.param(images.small_jpeg, {"face_box": "[1, 2, 3]"}, 400, "invalid_face_box", id="face-box-short-array"),
    pytest.param(images.small_jpeg, {"face_box": "[true, 0, 5, 5]"}, 400, "invalid_face_box", id="face-box-bool"),
    pytest.param(
        images.small_jpeg, {"face_box": '{"x": 1, "y": 2, "w": 3}'}, 400, "invalid_face_box", id="face-box-object-no-h"
    ),
    pytest.param(images.small_jpeg, {"face_box": "[1, 2"}, 400, "invalid_face_box", id="face-box-broken-json"),
    pytest.param(
        images.small_jpeg, {"face_box": "40,10,30,20"}, 400, "face_box_out_of_bounds", id="face-box-out-of-bounds"
    ),
    pytest.param(
        images.rotated_jpeg_with_gps,
        {"face_box": "0,0,50,30"},
        400,
        "face_box_out_of_bounds",
        id="face-box-fits-only-before-orientation",
    ),
]


@pytest.mark.parametrize(("make_data", "extra", "status", "code"), BAD_UPLOADS)
def test_bad_uploads_are_refused_with_their_own_code_leaving_nothing_behind(
    visitor_client: APIClient,
    exhibit: Exhibit,
    private_files: Callable[[], list[Path]],
    make_data: Callable[[], bytes],
    extra: dict[str, str],
    status: int,
    code: str,
) -> None:
    response = upload(visitor_client, exhibit, make_data(), **extra)

    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    assert response.json()["detail"]
    assert Capture.objects.count() == 0
    assert private_files() == []


def test_a_file_one_byte_over_the_limit_is_too_large(
    visitor_client: APIClient, exhibit: Exhibit, settings: Any, private_files: Callable[[], list[Path]]
) -> None:
    settings.CAPTURE_MAX_UPLOAD_BYTES = 1000
    data = images.small_jpeg() + bytes(1001)

    response = upload(visitor_client, exhibit, data)

    assert (response.status_code, response.json()["code"]) == (413, "image_too_large")
    assert Capture.objects.count() == 0 and private_files() == []


@pytest.mark.parametrize(
    ("reference", "status", "code"),
    [
        ("999999", 400, "unknown_exhibit"),
        ("no-such-slug", 400, "unknown_exhibit"),
        ("\uff11", 400, "unknown_exhibit"),  # a full-width one is no exhibit id
        ("inactive", 409, "exhibit_inactive"),
    ],
)
def test_uploads_for_unknown_or_inactive_exhibits_are_refused(
    visitor_client: APIClient, private_files: Callable[[], list[Path]], reference: str, status: int, code: str
) -> None:
    inactive = ExhibitFactory.create(is_active=False)
    response = upload(visitor_client, str(inactive.pk) if reference == "inactive" else reference, images.small_jpeg())

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Capture.objects.count() == 0 and private_files() == []


def test_an_upload_without_the_image_is_refused(visitor_client: APIClient, exhibit: Exhibit) -> None:
    response = visitor_client.post(URL, {"exhibit": str(exhibit.pk)}, format="multipart")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("image:")


def test_a_visitor_without_consent_cannot_upload(
    client_for: Callable[[Visitor], APIClient], exhibit: Exhibit, private_files: Callable[[], list[Path]]
) -> None:
    client = client_for(VisitorFactory.create(consent_emotion_analysis=False, consent_given_at=None))

    response = upload(client, exhibit, images.small_jpeg())

    assert (response.status_code, response.json()["code"]) == (403, "consent_required")
    assert Capture.objects.count() == 0 and private_files() == []


def test_an_upload_without_a_token_is_unauthenticated(
    exhibit: Exhibit, private_files: Callable[[], list[Path]]
) -> None:
    response = upload(APIClient(), exhibit, images.small_jpeg())

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert Capture.objects.count() == 0 and private_files() == []


def test_no_file_is_left_when_the_capture_row_cannot_be_saved(
    visitor_client: APIClient,
    exhibit: Exhibit,
    private_files: Callable[[], list[Path]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_create(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(Capture.objects, "create", broken_create)

    with pytest.raises(DatabaseError):
        upload(visitor_client, exhibit, images.small_jpeg())

    assert Capture.objects.count() == 0
    assert private_files() == []


def test_the_owner_sees_the_outcome_of_a_capture(visitor: Visitor, visitor_client: APIClient) -> None:
    event = EmotionEventFactory.create(capture__visitor=visitor, label="joyish", scores={"joyish": 0.75, "other": 0.25})

    response = visitor_client.get(f"{URL}{event.capture_id}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": str(event.capture_id),
        "exhibit": event.exhibit_id,
        "status": "done",
        "emotion": "joyish",
        "confidence": 0.75,
        "scores": {"joyish": 0.75, "other": 0.25},
        "model_version": "test-model",
        "source": "server",
        "error_code": "",
    }


def test_a_pending_capture_has_no_emotion_yet(visitor: Visitor, visitor_client: APIClient) -> None:
    capture = CaptureFactory.create(visitor=visitor)

    body = visitor_client.get(f"{URL}{capture.id}/").json()

    assert body["status"] == CaptureStatus.PENDING
    assert body["emotion"] is None and body["scores"] is None


def test_another_visitors_capture_is_not_found(visitor_client: APIClient) -> None:
    someone_elses = CaptureFactory.create()

    response = visitor_client.get(f"{URL}{someone_elses.id}/")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_capture_never_exposes_its_image(visitor: Visitor, visitor_client: APIClient, exhibit: Exhibit) -> None:
    capture_id = upload(visitor_client, exhibit, images.small_jpeg()).json()["id"]

    body = visitor_client.get(f"{URL}{capture_id}/").json()

    assert "image" not in body
    assert EmotionEvent.objects.count() == 0


def test_an_unreachable_broker_does_not_fail_the_accepted_upload(
    visitor_client: APIClient,
    exhibit: Exhibit,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broker_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(classify_capture_task, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(visitor_client, exhibit, images.small_jpeg())

    # The capture is saved and stays pending: the stuck-capture job enqueues it once the broker is back.
    assert response.status_code == 202
    assert Capture.objects.get().status == CaptureStatus.PENDING
