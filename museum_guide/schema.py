"""OpenAPI post-processing: every API operation documents the error shape it can answer with."""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error: a machine code and a human sentence; validation errors add `errors`.",
    "properties": {
        "code": {"type": "string", "description": "Machine-readable, e.g. `consent_required`, `throttled`."},
        "detail": {"type": "string", "description": "What went wrong, for people."},
        "errors": {"type": "object", "description": "Per-field messages of a validation error.", "nullable": True},
    },
    "required": ["code", "detail"],
}
# What any operation can answer (authentication, validation, unknown ids, rates, body size, bugs).
COMMON_ERRORS = {
    "400": "Invalid input (`invalid_input` or a specific code).",
    "401": "Missing or invalid token (`not_authenticated`, `authentication_failed`).",
    "403": "Not allowed for this caller.",
    "404": "No such resource (`not_found`).",
    "413": "Request body too large (`request_too_large`, `image_too_large`, `image_too_many_pixels`).",
    "429": "Too many requests (`throttled`, `captures_in_flight`); see `Retry-After`.",
    "500": "Unexpected error (`server_error`); it has been logged.",
}
# Extra answers of particular operations: (path, method) -> {status: description}.
SPECIFIC_ERRORS = {
    ("/api/v1/captures/", "post"): {
        "409": "The exhibit is not on display (`exhibit_inactive`).",
        "415": "Not a JPEG, HEIC, PNG or WebP photo (`unsupported_image_format`).",
        "503": "The emotion model is not available (`model_unavailable`).",
    },
    ("/api/v1/routes/", "post"): {"409": "An exhibit is not on display (`exhibit_inactive`)."},
    ("/api/v1/recommendations/", "get"): {"409": "The exhibit is not on display (`exhibit_inactive`)."},
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the `Error` component and the error answers of each API operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            errors = {**COMMON_ERRORS, **SPECIFIC_ERRORS.get((path, method), {})}
            for status, description in errors.items():
                operation["responses"].setdefault(status, {"description": description, "content": content})
    return result


# Optional query parameters whose empty value is NOT "absent": they answer 400 or 404 to `?name=`.
EMPTY_MEANS_ERROR = frozenset({"page", "page_size", "limit", "format", "from_exhibit"})


def allow_empty_query_values(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: say that an empty optional filter (`?hall=`) means "no filter".

    HTML forms (the dashboard) send empty fields; the catalogue, django-filter and the reports read them as
    absent. `tests/museum_guide/test_schema.py` checks each such parameter really answers 200 when empty.
    """
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or "get" not in operations:
            continue
        for parameter in operations["get"].get("parameters", []):
            if (
                parameter.get("in") == "query"
                and not parameter.get("required")
                and parameter["name"] not in EMPTY_MEANS_ERROR
            ):
                parameter["allowEmptyValue"] = True
    return result
