"""Admin as a staff product: every page renders, bulk actions, QR label sheets."""

import re

import numpy as np
import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse

from exhibits.models import Exhibit
from tests.exhibits.factories import ExhibitFactory, PassageFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(admin_user: User) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def catalogue() -> Exhibit:
    passage = PassageFactory.create()
    return ExhibitFactory.create(hall=passage.hall_a, tags=[TagFactory.create()])


def test_every_admin_changelist_add_and_change_page_renders(
    staff_client: Client, admin_user: User, catalogue: Exhibit
) -> None:
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        # follow=True: an admin entry may be a link to a page of its own (the reports dashboard).
        assert staff_client.get(changelist, follow=True).status_code == 200, changelist
        assert staff_client.get(changelist, {"q": "a"}, follow=True).status_code == 200, changelist
        if model_admin.has_add_permission(request):
            add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert staff_client.get(add).status_code == 200, add
        manager: models.Manager[models.Model] = model._default_manager
        instance = manager.first()
        if instance is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[instance.pk])
            assert staff_client.get(change).status_code == 200, change


def test_the_exhibit_changelist_shows_thumbnails_without_a_query_per_row(
    staff_client: Client, django_assert_max_num_queries: object
) -> None:
    for _ in range(20):
        ExhibitFactory.create(image="exhibits/picture.jpg")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = staff_client.get(reverse("admin:exhibits_exhibit_changelist"))
    assert response.content.decode().count('src="/media/exhibits/picture.jpg"') == 20


def test_bulk_actions_take_exhibits_off_display_and_back(staff_client: Client) -> None:
    exhibits = [ExhibitFactory.create(), ExhibitFactory.create()]
    url = reverse("admin:exhibits_exhibit_changelist")
    ids = [str(exhibit.pk) for exhibit in exhibits]
    staff_client.post(url, {"action": "deactivate", "_selected_action": ids})
    assert not Exhibit.objects.filter(is_active=True).exists()
    staff_client.post(url, {"action": "activate", "_selected_action": ids[:1]})
    assert list(Exhibit.objects.filter(is_active=True)) == exhibits[:1]


def decode_qr_svg(svg: str) -> str:
    """Rasterise qrcode's path SVG (one 1x1 square per dark module) and decode it with OpenCV."""
    import cv2

    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))  # type: ignore[union-attr]
    path = re.search(r'<path d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    grid = np.full((size, size), 255, dtype=np.uint8)
    for x, y in re.findall(r"M(\d+),(\d+)H", path):
        grid[int(y), int(x)] = 0
    image = cv2.resize(np.pad(grid, 4, constant_values=255), None, fx=8, fy=8, interpolation=cv2.INTER_NEAREST)
    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return str(text)


def test_the_qr_sheet_has_one_scannable_label_per_selected_exhibit(staff_client: Client, settings: object) -> None:
    settings.PUBLIC_BASE_URL = "https://guide.example-museum.org"  # type: ignore[attr-defined]
    chosen = [ExhibitFactory.create(slug="mammoth"), ExhibitFactory.create(slug="cave-bear")]
    ExhibitFactory.create(slug="not-chosen")
    response = staff_client.post(
        reverse("admin:exhibits_exhibit_changelist"),
        {"action": "print_qr_labels", "_selected_action": [str(exhibit.pk) for exhibit in chosen]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    assert sorted(decode_qr_svg(svg) for svg in svgs) == [
        "https://guide.example-museum.org/visit/e/cave-bear",
        "https://guide.example-museum.org/visit/e/mammoth",
    ]
    assert "not-chosen" not in html


def test_each_exhibit_has_its_own_printable_label(staff_client: Client) -> None:
    exhibit = ExhibitFactory.create(slug="mammoth")
    change = staff_client.get(reverse("admin:exhibits_exhibit_change", args=[exhibit.pk])).content.decode()
    label_url = reverse("admin:exhibits_exhibit_qr_label", args=[exhibit.pk])
    assert label_url in change
    html = staff_client.get(label_url).content.decode()
    assert decode_qr_svg(re.search(r"<svg.*?</svg>", html, flags=re.S).group(0)).endswith("/visit/e/mammoth")  # type: ignore[union-attr]


def test_the_qr_label_page_is_for_staff_only(client: Client) -> None:
    exhibit = ExhibitFactory.create()
    response = client.get(reverse("admin:exhibits_exhibit_qr_label", args=[exhibit.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
