"""Public media (exhibit images) served by the app itself, with caching headers."""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.views.static import serve


def serve_public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """One file under MEDIA_ROOT (path traversal is refused by `serve`); 404 when there is none.

    Caches may keep it MEDIA_CACHE_SECONDS (an hour by default: a replaced picture shows within the hour);
    `serve` also answers If-Modified-Since with 304.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=settings.MEDIA_CACHE_SECONDS)
    return response
