"""Who may read reports: staff and members of the `analysts` group (never visitors)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

ANALYSTS_GROUP = "analysts"


def user_is_analyst(user: Any) -> bool:
    """Whether a Django user may read reports: active staff, or an active member of `analysts`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or user.groups.filter(name=ANALYSTS_GROUP).exists())


class IsAnalyst(BasePermission):
    """Allows staff and analysts (token or session); visitor tokens and anonymous users are refused."""

    message = "Reports are available to staff and analysts only."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return user_is_analyst(request.user)
