"""Project-wide test configuration: markers that need real servers skip clearly without them."""

import os

import pytest


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
