"""Read-only admin for visitors, captures and emotion events (model outputs are never edited).

No selfie is ever shown here: the image field is excluded everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest

from emotions.models import Capture, EmotionEvent, Visitor

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin


class ReadOnlyAdmin(_ModelAdmin):
    """Staff may look and filter, never add or change (changes go through the API's services)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Visitor)
class VisitorAdmin(ReadOnlyAdmin):
    list_display = ["id", "language", "consent_emotion_analysis", "consent_version", "created_at"]
    list_filter = ["consent_emotion_analysis", "language", "consent_version", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["id"]
    date_hierarchy = "created_at"


@admin.register(Capture)
class CaptureAdmin(ReadOnlyAdmin):
    list_display = ["id", "exhibit", "status", "error_code", "attempts", "created_at", "finished_at"]
    list_filter = ["status", "exhibit", "error_code", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["exhibit"]
    search_fields = ["id", "visitor__id"]
    date_hierarchy = "created_at"
    # Privacy: the selfie itself never appears in the admin, not even as a file name.
    exclude = ["image"]


@admin.register(EmotionEvent)
class EmotionEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "exhibit", "label", "confidence", "model_version", "created_at"]
    list_filter = ["label", "exhibit", "model_version", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["exhibit"]
    search_fields = ["capture__id", "visitor__id"]
    date_hierarchy = "created_at"
