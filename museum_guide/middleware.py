"""API-wide HTTP behaviour: language negotiation for pages only, and caching rules for API responses."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from museum_guide.api_errors import is_api_request, json_error


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


def public_cache(response: HttpResponseBase, max_age: int) -> HttpResponseBase:
    """Mark a response as the same for every reader of a language: shared caches may keep it `max_age` s."""
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Accept-Language"])
    return response


class ApiCacheControlMiddleware:
    """API responses are `no-store` unless the view declared them public (the catalogue, the notice).

    Personal data (a visitor's profile, journey, captures, recommendations) must not sit in a shared or
    browser cache. ETags and 304 answers come from Django's ConditionalGetMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if is_api_request(request) and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response


class ApiBodyLimitMiddleware:
    """Refuse API request bodies over API_MAX_BODY_BYTES (413) before any parser reads them.

    DRF's parsers read the request stream themselves, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE, so
    without this an anonymous `POST /visitors/` would parse a body of any size. A view that takes larger
    bodies (the selfie upload) sets `checks_own_body_size = True` and applies its own limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponseBase], *args: object
    ) -> HttpResponseBase | None:
        if not is_api_request(request):
            return None
        if getattr(getattr(view_func, "cls", None), "checks_own_body_size", False):
            return None
        limit: int = settings.API_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django's own parsing rejects a malformed header
        if length > limit:
            return json_error(
                "request_too_large", f"The request body is {length:,} bytes; at most {limit:,} are accepted here.", 413
            )
        return None


class ApiRepeatedParameterMiddleware:
    """Refuse an API query that names a parameter twice (`?floor=1&floor=2`): 400 `repeated_parameter`.

    Every query parameter of the API is a single value (lists are comma-separated, e.g. `emotions=a,b`);
    Django would silently read the last one, so a client's mistake would go unnoticed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_api_request(request):
            repeated = sorted(name for name, values in request.GET.lists() if len(values) > 1)
            if repeated:
                return json_error(
                    "repeated_parameter", f"Give each query parameter once; repeated: {', '.join(repeated)}.", 400
                )
        return self.get_response(request)
