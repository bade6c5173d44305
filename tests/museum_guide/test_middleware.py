"""API middleware: one value per query parameter."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_query_parameter_given_twice_is_refused_not_silently_read_as_the_last() -> None:
    response = Client().get("/api/v1/exhibits/?floor=1&floor=2")

    assert response.status_code == 400
    assert response.json()["code"] == "repeated_parameter"
    assert "floor" in response.json()["detail"]
