"""The analysts' dashboard: an HTML page whose charts read the report API (the same numbers)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from emotions.services import model_labels
from exhibits.models import Hall, Venue
from museum_guide.disclosure import min_group_size
from museum_guide.sign_in import LockoutAuthenticationForm
from reports.permissions import user_is_analyst


def dashboard(request: HttpRequest) -> HttpResponse:
    """Exhibits ranked by an emotion with their mix, emotions over the day and week; staff and analysts only.

    The page carries no numbers of its own: its script reads them from the report API.
    """
    if not request.user.is_authenticated:
        return redirect(f"{reverse('reports-login')}?next={request.get_full_path()}")
    if not user_is_analyst(request.user):
        raise PermissionDenied("Reports are available to staff and analysts only.")
    context: dict[str, Any] = {
        "title": "Emotion reports",
        "labels": list(model_labels()),
        "venues": Venue.objects.order_by("name"),
        "halls": Hall.objects.select_related("venue").order_by("venue__name", "name"),
        "min_group_size": min_group_size(),
        "site_name": settings.SITE_NAME,
        "filters": {key: request.GET.get(key, "") for key in ("date_from", "date_to", "venue", "hall", "emotion")},
    }
    return TemplateResponse(request, "reports/dashboard.html", context)


class ReportsLoginView(LoginView):
    """Sign-in for analysts who are not admin staff (the admin login accepts staff only)."""

    template_name = "reports/login.html"
    redirect_authenticated_user = True
    authentication_form = LockoutAuthenticationForm

    def get_default_redirect_url(self) -> str:
        return reverse("reports-dashboard")
