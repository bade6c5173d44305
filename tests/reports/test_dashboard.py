"""The analysts' dashboard page, its admin link, and the exhibit admin's emotion-profile chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client

from tests.exhibits.factories import ExhibitFactory

pytestmark = pytest.mark.django_db

VENDORED = Path(django_settings.BASE_DIR) / "reports" / "static" / "reports" / "vendor" / "chartjs"


def test_anonymous_users_are_sent_to_the_sign_in_page(client: Client) -> None:
    response = client.get("/reports/dashboard/")

    assert response.status_code == 302
    assert response["Location"].startswith("/reports/login/?next=/reports/dashboard/")


def test_a_signed_in_user_who_is_no_analyst_is_refused(client: Client) -> None:
    client.force_login(User.objects.create_user("bob", password="pw-bob-123456"))

    assert client.get("/reports/dashboard/").status_code == 403


def test_an_analyst_signs_in_and_sees_the_charts(client: Client, analyst: User) -> None:
    response = client.post(
        "/reports/login/?next=/reports/dashboard/", {"username": "ana", "password": "pw-ana-123456"}, follow=True
    )

    page = response.content.decode()
    assert response.status_code == 200
    for part in ("exhibit-ranking", "chart-hours", "chart-weekdays", "summary", "empty"):
        assert f'id="{part}"' in page
    assert "/static/reports/vendor/chartjs/chart.umd.min.js" in page
    assert "/api/v1/reports/emotions/" in page
    assert "not what visitors felt" in page
    assert "fewer than 5 visitors are hidden" in page and "min_group_size" not in page


def test_the_dashboard_loads_no_script_from_another_site(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    page = client.get("/reports/dashboard/").content.decode()

    assert 'src="http' not in page and 'src="//' not in page


def test_the_charting_library_is_vendored_with_its_licence() -> None:
    assert (VENDORED / "chart.umd.min.js").read_text().startswith("/*!\n * Chart.js v4")
    assert "MIT License" in (VENDORED / "LICENSE.md").read_text()


def test_the_admin_index_links_staff_to_the_dashboard(admin_client: Client) -> None:
    page = admin_client.get("/admin/").content.decode()

    assert "/admin/reports/reportevent/" in page
    response = admin_client.get("/admin/reports/reportevent/")
    assert response.status_code == 302 and response["Location"] == "/reports/dashboard/"


def test_the_exhibit_admin_page_shows_its_emotion_profile_chart(admin_client: Client) -> None:
    exhibit = ExhibitFactory.create()

    page = admin_client.get(f"/admin/exhibits/exhibit/{exhibit.pk}/change/").content.decode()

    assert f'data-emotion-profile="/api/v1/reports/emotions/?group_by=exhibit&amp;exhibit={exhibit.pk}"' in page
    assert "reports/exhibit_profile.js" in page
