"""Fair use of the API: request rates per visitor and per network address (DRF throttles).

Rates are per minute and generous for people: a museum's visitors often share one Wi-Fi address, so
address-based limits only stop scripts, while visitor-based limits (visitor tokens are sent to every
endpoint) keep one phone from crowding out the others. A throttled request gets 429 `throttled` with
`Retry-After`. Counters live in the default cache (Redis in production, shared by all web processes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle

if TYPE_CHECKING:
    # DRF imports these classes while rest_framework.views itself loads, before the apps are ready.
    from rest_framework.request import Request
    from rest_framework.views import APIView


def _visitor_id(request: Request) -> Any:
    """The visitor's id when the request carries a visitor token, else None."""
    from emotions.models import Visitor

    return request.auth.pk if isinstance(request.auth, Visitor) else None


class VisitorRateThrottle(SimpleRateThrottle):
    """All requests of one visitor (by their token); requests without a visitor token are not counted here."""

    scope = "visitor"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        visitor_id = _visitor_id(request)
        if visitor_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": visitor_id}


class AddressRateThrottle(AnonRateThrottle):
    """All requests without a visitor or staff identity, per network address."""

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if _visitor_id(request) is not None:
            return None  # counted per visitor instead: many visitors share one museum Wi-Fi address
        return super().get_cache_key(request, view)


class ScopedVisitorOrAddressThrottle(ScopedRateThrottle):
    """A view's own `throttle_scope` (uploads, sign-ups), counted per visitor, else per address."""

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        visitor_id = _visitor_id(request)
        ident = visitor_id if visitor_id is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
