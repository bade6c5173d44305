"""Password guessing on the admin and the analysts' sign-in is locked out after a few tries."""

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 1234"


@pytest.fixture
def analyst(settings: Any) -> User:
    settings.LOGIN_MAX_FAILURES = 5
    # A name of its own: lockout counters live in the shared cache.
    user = User.objects.create_user(f"ana-{uuid.uuid4().hex[:8]}", password=PASSWORD)
    user.groups.add(Group.objects.get(name="analysts"))
    return user


def _sign_in(client: Client, path: str, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("path", ["/reports/login/", "/admin/login/"])
def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(analyst: User, path: str) -> None:
    analyst.is_staff = path.startswith("/admin/")
    analyst.save()
    client = Client()
    wrong = [_sign_in(client, path, analyst.username, f"guess {i}") for i in range(5)]

    locked = _sign_in(client, path, analyst.username, PASSWORD)

    assert all(r.status_code == 200 for r in wrong)  # the form again, with its error
    assert locked.status_code == 200 and "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_out_address_does_not_lock_the_analyst_out_elsewhere(analyst: User) -> None:
    for i in range(5):
        _sign_in(Client(), "/reports/login/", analyst.username, f"guess {i}", address="203.0.113.7")

    from_there = _sign_in(Client(), "/reports/login/", analyst.username, PASSWORD, address="203.0.113.7")
    from_the_museum = _sign_in(Client(), "/reports/login/", analyst.username, PASSWORD, address="10.0.0.1")

    assert from_there.status_code == 200 and "Too many failed sign-ins" in from_there.content.decode()
    assert from_the_museum.status_code == 302


def test_a_successful_sign_in_resets_the_count(analyst: User) -> None:
    for round_ in range(2):
        for i in range(4):
            _sign_in(Client(), "/reports/login/", analyst.username, f"guess {round_}-{i}")
        # 4 failures, then the right password: without the reset, round two would end at 8 > 5.
        assert _sign_in(Client(), "/reports/login/", analyst.username, PASSWORD).status_code == 302
