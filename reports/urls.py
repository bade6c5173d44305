"""Routes of the report API (mounted under /api/v1/)."""

from django.urls import path

from reports import views

urlpatterns = [
    path("reports/emotions/", views.EmotionReportView.as_view(), name="report-emotions"),
    path("reports/top-exhibits/", views.TopExhibitsView.as_view(), name="report-top-exhibits"),
]
