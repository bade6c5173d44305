"""Pagination shared by every list endpoint."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination where the client may choose `page_size` (up to 100)."""

    page_size_query_param = "page_size"
    max_page_size = 100
