"""One error shape for the whole API: `{"code": "<machine_code>", "detail": "<human text>"}`.

Validation errors also carry `errors`, the per-field messages, so a client can highlight fields.
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from visit import errors as visitor_pages


class ApiError(exceptions.APIException):
    """An API error with an explicit machine code, status and human detail."""

    def __init__(self, code: str, detail: str, status_code: int = status.HTTP_400_BAD_REQUEST) -> None:
        super().__init__(detail=detail, code=code)
        self.status_code = status_code


def _first_message(errors: Any) -> tuple[str, str]:
    """Return (field path, message) of the first validation message in a nested error structure."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            field, message = _first_message(value)
            path = str(key) if key != "non_field_errors" else ""
            return (f"{path}.{field}".strip(".") if field else path), message
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return "", str(errors)


def _first_code(codes: Any) -> str:
    """Return the first machine code in a nested `get_codes()` structure."""
    if isinstance(codes, dict):
        return _first_code(next(iter(codes.values()), "invalid"))
    if isinstance(codes, list):
        return _first_code(codes[0]) if codes else "invalid"
    return str(codes)


def _plain_detail(exc: Exception, context: dict[str, Any]) -> str:
    """Django's Http404 and PermissionDenied often carry no message: say what was not found or not allowed."""
    if str(exc):
        return str(exc)
    request = context.get("request")
    wanted = request.query_params.get("format") if request is not None else None
    if wanted and wanted not in ("json", "api"):
        return f"This API answers in JSON; format={wanted!r} is not available."
    if isinstance(exc, Http404):
        return f"No such resource: {request.path}" if request is not None else "No such resource."
    return "You may not do this."


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler that renders every error in the `{"code", "detail"}` shape."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_message(exc.detail)
        code = _first_code(exc.get_codes())
        # Field-level codes such as "required" are only useful together with the field name.
        body: dict[str, Any] = {
            "code": code if code not in {"invalid", "required", "null", "blank"} else "invalid_input",
            "detail": f"{field}: {message}" if field else message,
            "errors": exc.detail,
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        body = {"code": codes if isinstance(codes, str) else _first_code(codes), "detail": str(exc.detail)}
    else:  # Http404 / PermissionDenied converted by DRF
        body = {"code": "not_found" if response.status_code == 404 else "error", "detail": _plain_detail(exc, context)}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        body["code"] = "not_authenticated" if body["code"] != "authentication_failed" else body["code"]
    response.data = body
    return response


def json_error(code: str, detail: str, status_code: int) -> JsonResponse:
    """An error response in the API's shape, for code that runs outside DRF (handlers, middleware)."""
    return JsonResponse({"code": code, "detail": detail}, status=status_code)


def is_api_request(request: HttpRequest) -> bool:
    """Whether a request is for the JSON API (which answers errors in its own shape)."""
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django-level 404 (no URL matched): the API error shape under /api/, the guide's branded page elsewhere."""
    if not is_api_request(request):
        return visitor_pages.page_not_found(request, exception)
    hint = "" if request.path.endswith("/") else f" (API paths end with a slash: {request.path}/)"
    return json_error("not_found", f"No such resource: {request.path}{hint}", 404)


def api_not_found(request: HttpRequest) -> HttpResponse:
    """The last /api/ URL pattern: a JSON 404 for any unknown API path, in DEBUG too (never Django's HTML
    page), and without APPEND_SLASH's 301 redirect, which would drop a POST body."""
    return not_found(request, Http404())


def server_error(request: HttpRequest) -> HttpResponse:
    """Django-level 500 in the API error shape, the guide's branded page elsewhere (details go to the log)."""
    if not is_api_request(request):
        return visitor_pages.server_error(request)
    return json_error("server_error", "An unexpected error occurred; it has been logged.", 500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django-level 400 (for example an invalid Host header) in the API error shape."""
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    return json_error("bad_request", "The request could not be understood.", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django-level 403 (for example a CSRF failure) in the API error shape."""
    if not is_api_request(request):
        return defaults.permission_denied(request, exception)
    return json_error("permission_denied", "You do not have permission to perform this action.", 403)
