"""Routes of the visitor web app (mounted under /visit/)."""

from django.urls import path

from visit import views

urlpatterns = [
    path("", views.visit_app, name="visit-app"),
    # The name is the one exhibits.Exhibit.public_url reverses for its QR label.
    path("e/<slug:slug>", views.visit_exhibit, name="visit-exhibit"),
]
