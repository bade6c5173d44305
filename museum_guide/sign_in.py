"""Sign-in forms that lock out password guessing (the admin and the analysts' login)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError


class LockoutMixin:
    """After LOGIN_MAX_FAILURES failed sign-ins for one username from one address within
    LOGIN_LOCKOUT_SECONDS, every further try is refused (the right password too) until the window passes.

    Keyed by username and address together, so a guesser elsewhere cannot lock a curator out.
    """

    request: Any
    cleaned_data: dict[str, Any]

    def _failures_key(self) -> str:
        username = str(self.cleaned_data.get("username") or "").casefold()
        address = self.request.META.get("REMOTE_ADDR", "") if self.request is not None else ""
        return "sign-in-failures:" + hashlib.sha256(f"{username}|{address}".encode()).hexdigest()

    def clean(self) -> dict[str, Any]:
        key = self._failures_key()
        if cache.get(key, 0) >= settings.LOGIN_MAX_FAILURES:
            minutes = max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)
            raise ValidationError(
                f"Too many failed sign-ins. Please wait {minutes} minutes and try again.", code="locked_out"
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except ValidationError:
            # add() starts the window at the first failure; incr() never extends it.
            if not cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
                cache.incr(key)
            raise
        cache.delete(key)
        return cleaned


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    """The analysts' sign-in form."""


class LockoutAdminAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    """The admin's sign-in form."""
