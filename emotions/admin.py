"""Read-only admin for visitors, captures and emotion events: superusers only, every view audited.

Staff see aggregates only (reports, the dashboard, exhibit profiles). Individual visitors, captures and
events are personal data: only superusers may open them, for support, and each list or detail view they
open writes a PersonalDataAccess entry. No selfie is ever shown: the image field is excluded everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse

from emotions.models import Capture, ConsentRecord, EmotionEvent, PersonalDataAccess, Visitor

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _TabularInline = admin.TabularInline[Any, Any]
else:
    _ModelAdmin = admin.ModelAdmin
    _TabularInline = admin.TabularInline


class ReadOnlyAdmin(_ModelAdmin):
    """Nobody adds or changes rows here (changes go through the API's services)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PersonalDataAdmin(ReadOnlyAdmin):
    """Superusers only; each list or detail view is written to the PersonalDataAccess audit log."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def _audit(self, request: HttpRequest, object_id: str = "") -> None:
        user = request.user
        if isinstance(user, User) and self.has_view_permission(request):
            PersonalDataAccess.objects.create(
                user=user, model=self.model._meta.model_name, object_id=object_id, path=request.get_full_path()
            )

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        self._audit(request)
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._audit(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(PersonalDataAdmin):
    list_display = ["created_at", "user", "model", "object_id", "path"]
    list_filter = ["model", "user"]
    date_hierarchy = "created_at"

    def _audit(self, request: HttpRequest, object_id: str = "") -> None:
        """Reading the audit log is not itself personal data access."""


class ConsentRecordInline(_TabularInline):
    model = ConsentRecord
    fields = ["action", "notice_version", "created_at"]
    readonly_fields = ["action", "notice_version", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Visitor)
class VisitorAdmin(PersonalDataAdmin):
    inlines = [ConsentRecordInline]
    list_display = ["id", "language", "consent_emotion_analysis", "consent_version", "created_at"]
    list_filter = ["consent_emotion_analysis", "language", "consent_version", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["id"]
    date_hierarchy = "created_at"


@admin.register(Capture)
class CaptureAdmin(PersonalDataAdmin):
    list_display = ["id", "exhibit", "status", "error_code", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "exhibit", "error_code", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["exhibit"]
    search_fields = ["id", "visitor__id"]
    date_hierarchy = "created_at"
    # Privacy: the selfie itself never appears in the admin, not even as a file name.
    exclude = ["image"]


@admin.register(EmotionEvent)
class EmotionEventAdmin(PersonalDataAdmin):
    list_display = ["id", "exhibit", "label", "confidence", "model_version", "created_at"]
    list_filter = ["label", "exhibit", "model_version", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["exhibit"]
    search_fields = ["capture__id", "visitor__id"]
    date_hierarchy = "created_at"
