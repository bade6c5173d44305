"""Admin entry for the reports: a link from the admin index to the analysts' dashboard."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from reports.models import ReportEvent
from reports.permissions import user_is_analyst


@admin.register(ReportEvent)
class EmotionDashboardAdmin(admin.ModelAdmin):
    """Shows "Reports > Emotion dashboard" on the admin index; the row list itself is never exposed."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_analyst(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_analyst(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("reports-dashboard"))
