"""Project-wide test configuration: markers that need real servers skip clearly without them."""

import os
import uuid
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from emotions.models import Visitor
from tests.emotions.factories import visitor_key


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip PostgreSQL/Redis tests with a reason when their server is not configured."""
    database_url = os.environ.get("DATABASE_URL", "")
    has_postgres = database_url.startswith(("postgres://", "postgresql://"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if "postgres" in item.keywords and not has_postgres:
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL=postgres://... (CI sets it)"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs REDIS_URL=redis://... (CI sets it)"))


@pytest.fixture
def client_for() -> Callable[[Visitor], APIClient]:
    """An API client authenticated as the given visitor."""

    def make(visitor: Visitor) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {visitor_key(visitor)}")
        return client

    return make


@pytest.fixture
def visitor_client(visitor: Visitor, client_for: Callable[[Visitor], APIClient]) -> APIClient:
    """An API client authenticated as the `visitor` fixture of the test's package."""
    return client_for(visitor)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with empty request-rate counters (the shared cache would carry them across tests)."""
    from django.core.cache.backends.locmem import LocMemCache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache(f"throttle-{uuid.uuid4()}", {}))
