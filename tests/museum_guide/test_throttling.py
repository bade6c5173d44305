"""Fair use: rates per visitor and per address, and a cap on one visitor's selfies in flight."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from emotions.models import Capture, CaptureStatus, Visitor
from exhibits.models import Exhibit
from tests.emotions import images
from tests.emotions.factories import CaptureFactory, VisitorFactory
from tests.exhibits.factories import ExhibitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Set throttle rates for this test (DRF reads them once, at import)."""

    def set_rates(**scopes: str) -> None:
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **scopes})

    return set_rates


@pytest.fixture
def visitor() -> Visitor:
    return VisitorFactory.create()


def _upload(client: APIClient, exhibit: Exhibit) -> Any:
    image = SimpleUploadedFile("selfie.jpg", images.small_jpeg(), content_type="image/jpeg")
    return client.post("/api/v1/captures/", {"exhibit": str(exhibit.pk), "image": image}, format="multipart")


def test_sign_ups_from_one_address_are_limited_with_a_retry_after(rates: Callable[..., None]) -> None:
    rates(visitor_create="5/minute")
    client = APIClient()

    statuses = [client.post("/api/v1/visitors/", {}, format="json").status_code for _ in range(6)]
    refused = client.post("/api/v1/visitors/", {}, format="json")

    assert statuses == [201] * 5 + [429]
    assert refused.json()["code"] == "throttled" and int(refused["Retry-After"]) > 0
    assert Visitor.objects.count() == 5


def test_one_visitors_requests_are_counted_per_visitor_not_per_address(
    rates: Callable[..., None], visitor_client: APIClient, client_for: Callable[[Visitor], APIClient]
) -> None:
    rates(visitor="3/minute", anon="3/minute")
    other = client_for(VisitorFactory.create())  # same address, another visitor

    mine = [visitor_client.get("/api/v1/visitors/me/").status_code for _ in range(4)]
    theirs = [other.get("/api/v1/visitors/me/").status_code for _ in range(3)]

    assert mine == [200, 200, 200, 429]
    assert theirs == [200, 200, 200]


def test_a_visitor_with_selfies_still_being_read_must_wait_before_sending_more(
    visitor: Visitor, visitor_client: APIClient, private_files: Callable[[], list[Path]], settings: Any
) -> None:
    settings.CAPTURE_MAX_IN_FLIGHT = 3
    exhibit = ExhibitFactory.create()
    CaptureFactory.create_batch(2, visitor=visitor, status=CaptureStatus.PENDING)
    CaptureFactory.create(visitor=visitor, status=CaptureStatus.PROCESSING)
    CaptureFactory.create(visitor=visitor, status=CaptureStatus.DONE)

    refused = _upload(visitor_client, exhibit)
    Capture.objects.filter(visitor=visitor, status=CaptureStatus.PROCESSING).update(status=CaptureStatus.DONE)
    accepted = _upload(visitor_client, exhibit)

    assert refused.status_code == 429
    assert refused.json()["code"] == "captures_in_flight" and refused["Retry-After"] == "2"
    assert accepted.status_code == 202
    assert len(private_files()) == 1  # the refused photo was never stored
    assert Capture.objects.filter(visitor=visitor).count() == 5


@pytest.fixture
def private_files(tmp_path: Path, settings: Any) -> Callable[[], list[Path]]:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return lambda: sorted(path for path in (tmp_path / "private").rglob("*") if path.is_file())
