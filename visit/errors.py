"""The visitor-facing error pages (404, 500): the guide's branding, phone-sized, in the visitor's language.

They replace Django's bare "Not Found" and "Server Error (500)" for every path outside /api/ (the API
keeps its JSON `{"code", "detail"}`; see museum_guide.api_errors), and say nothing about internals.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from visit.languages import finish_page, page_context, page_language

logger = logging.getLogger(__name__)

# What a 500 answers when even the branded page cannot be rendered (a broken template or static manifest).
_LAST_RESORT = (
    '<!doctype html><html lang="en"><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Museum Guide</title>'
    '<p>Something went wrong on our side. <a href="/visit/">Back to the guide</a></p></html>'
)


def _error_page(request: HttpRequest, kind: str, status: int) -> HttpResponse:
    language = page_language(request)
    context = page_context(language) | {"kind": kind}
    html = render_to_string("visit/error.html", context, request=request)
    return finish_page(request, HttpResponse(html, status=status), language)


def not_on_display(request: HttpRequest) -> HttpResponse:
    """404 for a QR label whose exhibit is not (or no longer) on display."""
    return _error_page(request, "not_on_display", 404)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for any other page (the exception's message is never shown: it may name internals)."""
    return _error_page(request, "not_found", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: an apology and a way back into the guide; the details went to the log."""
    try:
        return _error_page(request, "server_error", 500)
    except Exception:  # the page itself failed: still answer something a phone can read
        logger.exception("the branded 500 page could not be rendered")
        return HttpResponse(_LAST_RESORT, status=500)
