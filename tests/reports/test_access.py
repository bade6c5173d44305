"""Who may read reports: staff and analysts; visitors 403, anonymous 401, always `{"code","detail"}`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reports.permissions import ANALYSTS_GROUP

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v1/reports/emotions/", "/api/v1/reports/top-exhibits/?emotion=happy"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_visitor_token_gets_403(visitor_client: APIClient, url: str) -> None:
    response = visitor_client.get(url)

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": "Reports are available to staff and analysts only.",
    }


@pytest.mark.parametrize("url", ENDPOINTS)
def test_an_anonymous_request_gets_401(url: str) -> None:
    response = APIClient().get(url)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_signed_in_user_outside_the_analysts_group_gets_403() -> None:
    client = APIClient()
    client.force_login(User.objects.create_user("bob", password="pw-bob-123456"))

    response = client.get(ENDPOINTS[0])

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_a_visitor_asking_for_csv_still_gets_a_json_error(visitor_client: APIClient) -> None:
    response = visitor_client.get(ENDPOINTS[0], {"format": "csv"})

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("url", ENDPOINTS)
def test_an_analyst_token_reads_reports(analyst_client: APIClient, url: str) -> None:
    assert analyst_client.get(url).status_code == 200


def test_staff_read_reports_with_the_admin_session(staff_client: APIClient) -> None:
    assert staff_client.get(ENDPOINTS[0]).status_code == 200


def test_an_inactive_analyst_is_refused(analyst: User, analyst_client: APIClient) -> None:
    analyst.is_active = False
    analyst.save()

    assert analyst_client.get(ENDPOINTS[0]).status_code == 401


def test_the_analysts_group_exists_after_migrating() -> None:
    assert Group.objects.filter(name=ANALYSTS_GROUP).exists()


def test_drf_create_token_gives_an_analyst_a_working_token(capsys: pytest.CaptureFixture[str]) -> None:
    user = User.objects.create_user("ann", password="pw-ann-123456")
    user.groups.add(Group.objects.get(name=ANALYSTS_GROUP))
    call_command("drf_create_token", "ann")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")

    assert client.get(ENDPOINTS[0]).status_code == 200
