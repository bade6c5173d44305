"""Routes of the analysts' dashboard (mounted under /reports/)."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from reports import dashboard_views

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard, name="reports-dashboard"),
    path("login/", dashboard_views.ReportsLoginView.as_view(), name="reports-login"),
    path("logout/", LogoutView.as_view(next_page="reports-login"), name="reports-logout"),
]
