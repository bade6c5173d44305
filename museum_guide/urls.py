"""Top-level URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from museum_guide import api_errors, health, media
from museum_guide.sign_in import LockoutAdminAuthenticationForm

admin.site.login_form = LockoutAdminAuthenticationForm
admin.site.site_header = f"{settings.SITE_NAME} · staff"
admin.site.site_title = f"{settings.SITE_NAME} staff"
admin.site.index_title = "Catalogue, visitors and emotion reports"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include("exhibits.urls")),
    path("api/v1/", include("emotions.urls")),
    path("api/v1/", include("recommendations.urls")),
    path("api/v1/", include("reports.urls")),
    re_path(r"^api/", api_errors.api_not_found),
    path("reports/", include("reports.dashboard_urls")),
    path("visit/", include("visit.urls")),
]

# Public media (exhibit images, nothing personal: selfies live in PRIVATE_MEDIA_ROOT, never under a URL) are
# served by the app in every mode, so catalogue image URLs work in the compose deployment too. For heavy
# traffic put a CDN or a web server in front of /media/ (docs in the README); the app then serves it once.
urlpatterns += [re_path(r"^media/(?P<path>.+)$", media.serve_public_media)]

handler400 = "museum_guide.api_errors.bad_request"
handler403 = "museum_guide.api_errors.permission_denied"
handler404 = "museum_guide.api_errors.not_found"
handler500 = "museum_guide.api_errors.server_error"
