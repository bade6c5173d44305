"""Pagination shared by every list endpoint."""

from rest_framework import pagination
from rest_framework.request import Request
from rest_framework.views import APIView

from museum_guide.api_errors import ApiError


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination where the client may choose `page_size` (1 to 100; more is capped at 100)."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int | None:
        """The requested page size; 400 `invalid_page_size` for anything but a whole number from 1 up."""
        text = request.query_params.get(self.page_size_query_param)
        if text is not None and not (text.isascii() and text.isdigit() and int(text) >= 1):
            raise ApiError(
                "invalid_page_size", f"page_size must be a whole number from 1 to {self.max_page_size}, not {text!r}."
            )
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, object]]:
        """`page` and `page_size` with their bounds, so that the schema says what the server accepts."""
        parameters: list[dict[str, object]] = super().get_schema_operation_parameters(view)
        # page_size above 100 is capped, not refused: no maximum.
        bounds = {self.page_query_param: {"minimum": 1}, self.page_size_query_param: {"minimum": 1}}
        for parameter in parameters:
            schema = parameter.get("schema")
            if isinstance(schema, dict) and parameter.get("name") in bounds:
                schema.update(bounds[str(parameter["name"])])
        return parameters
