"""OpenAPI description of the visitor token (its own security scheme, apart from staff tokens)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class VisitorTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token mgv_...` as the `visitorToken` scheme."""

    target_class = "emotions.authentication.VisitorTokenAuthentication"
    name = "visitorToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Visitor API key from POST /api/v1/visitors/, sent as `Token mgv_...`.",
        }
