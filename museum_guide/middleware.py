"""Language negotiation for pages, not for the API's messages."""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from museum_guide.api_errors import is_api_request


class PageLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware for pages (admin, visitor app); the API's messages stay in one language.

    Under /api/ every message is the project's own English text or DRF's: translating DRF's half after
    Accept-Language would mix languages in one response. Catalogue texts choose their language
    themselves (`?lang=`, then Accept-Language; see exhibits.languages), so the API sends no
    Content-Language of its own.
    """

    def process_request(self, request: HttpRequest) -> None:
        if is_api_request(request):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if is_api_request(request):
            return response
        return super().process_response(request, response)
