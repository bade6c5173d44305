"""`Authorization: Token <key>` for anonymous visitors, side by side with DRF's staff tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from emotions.models import Visitor, VisitorToken

if TYPE_CHECKING:
    # DRF imports the default authentication classes while rest_framework.views is loading.
    from rest_framework.views import APIView


def visitor_key(request: Request) -> str | None:
    """The visitor API key in the request's `Authorization: Token mgv_...` header, if it carries one."""
    header = authentication.get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != VisitorTokenAuthentication.keyword.lower().encode():
        return None
    try:
        key = header[1].decode()
    except UnicodeError:
        return None
    return key if key.startswith(VisitorToken.PREFIX) else None


class VisitorTokenAuthentication(authentication.TokenAuthentication):
    """Authenticates a visitor by an `mgv_`-prefixed key; `request.auth` is the Visitor.

    Keys without the prefix are not ours: returning None lets DRF's TokenAuthentication (staff
    users) try them next, so both kinds of token share the one `Token` keyword. `request.user`
    stays anonymous: a visitor is not a Django user and gets no staff permission by accident.
    """

    def authenticate(self, request: Request) -> tuple[AnonymousUser, Visitor] | None:
        key = visitor_key(request)
        if key is None:
            return None
        token = VisitorToken.objects.select_related("visitor").filter(digest=VisitorToken.hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid visitor token.")
        return AnonymousUser(), token.visitor


class IsVisitor(BasePermission):
    """Allows requests authenticated with a visitor token."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, Visitor)


def request_visitor(request: Request) -> Visitor:
    """The visitor of a request that passed IsVisitor."""
    visitor = request.auth
    assert isinstance(visitor, Visitor), "view must use the IsVisitor permission"
    return visitor
