"""Public visitor pages (mounted under /visit/)."""

from django.urls import path

from exhibits.visit_views import visit_exhibit

urlpatterns = [
    path("e/<slug:slug>", visit_exhibit, name="visit-exhibit"),
]
