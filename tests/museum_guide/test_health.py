"""Liveness and readiness probes."""

import pytest
from django.test import Client
from pytest_django.fixtures import SettingsWrapper

from museum_guide import health


def test_healthz_answers_without_touching_anything() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_every_check_passes(monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper) -> None:
    settings.REDIS_URL = ""  # the embedded default: no broker to check
    monkeypatch.setattr(health, "READINESS_CHECKS", {})
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


@pytest.mark.django_db
def test_readyz_names_the_failing_check_and_answers_503(
    monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    def broken() -> None:
        raise ConnectionError("model file missing")

    settings.REDIS_URL = ""
    monkeypatch.setattr(health, "READINESS_CHECKS", {"model": broken})
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "model": "error: ConnectionError"}


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_broker(monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    monkeypatch.setattr(health, "READINESS_CHECKS", {})
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "error: ConnectionError"}


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_checks_the_live_broker_when_one_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "READINESS_CHECKS", {})
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}
