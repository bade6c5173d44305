"""Top-level URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from museum_guide import api_errors, health

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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "museum_guide.api_errors.bad_request"
handler403 = "museum_guide.api_errors.permission_denied"
handler404 = "museum_guide.api_errors.not_found"
handler500 = "museum_guide.api_errors.server_error"
