"""Routes of the recommendations API (mounted under /api/v1/)."""

from django.urls import path

from recommendations import views

urlpatterns = [
    path("recommendations/", views.RecommendationsView.as_view(), name="recommendations"),
    path("routes/", views.RoutesView.as_view(), name="routes"),
]
