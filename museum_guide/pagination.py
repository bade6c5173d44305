"""Pagination shared by every list endpoint."""

from rest_framework import pagination
from rest_framework.request import Request

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
