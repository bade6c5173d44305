"""Admin for exhibit emotion profiles: the published snapshots only, and an action to publish due ones."""

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from museum_guide import disclosure
from recommendations import selectors
from recommendations.models import ExhibitEmotionProfile
from recommendations.services import profiles_publish

if TYPE_CHECKING:
    ProfileModelAdmin = admin.ModelAdmin[ExhibitEmotionProfile]
else:  # ModelAdmin is only generic for the type checker
    ProfileModelAdmin = admin.ModelAdmin


@admin.register(ExhibitEmotionProfile)
class ExhibitEmotionProfileAdmin(ProfileModelAdmin):
    """Staff see the same published snapshot as everybody else: rounded shares, bucketed visitor counts."""

    list_display = ["exhibit", "hall", "visitors_at_least", "top_expressions", "published_at"]
    list_select_related = ["exhibit__hall"]
    list_filter = ["exhibit__hall__venue", "exhibit__hall"]
    search_fields = ["exhibit__title", "exhibit__slug"]
    ordering = ["-visitors"]
    readonly_fields = ("exhibit", "visitors_at_least", "visitors_showed", "curators_prior", "published_at")
    fields = readonly_fields
    actions = ["publish"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ExhibitEmotionProfile | None = None) -> bool:
        return False

    @admin.display(description="hall", ordering="exhibit__hall__name")
    def hall(self, obj: ExhibitEmotionProfile) -> str:
        return str(obj.exhibit.hall.name)

    @admin.display(description="visitors (at least)", ordering="visitors")
    def visitors_at_least(self, obj: ExhibitEmotionProfile) -> int:
        return disclosure.visitor_bucket(obj.visitors, disclosure.min_group_size())

    @admin.display(description="top expressions visitors showed")
    def top_expressions(self, obj: ExhibitEmotionProfile) -> str:
        top = sorted(obj.shares.items(), key=lambda item: -item[1])[:3]
        return ", ".join(f"{label} {share:.0%}" for label, share in top) or "—"

    @admin.display(description="what visitors showed (expressions, not felt emotions)")
    def visitors_showed(self, obj: ExhibitEmotionProfile) -> str:
        shares = sorted(obj.shares.items(), key=lambda item: -item[1])
        return ", ".join(f"{label} {share:.0%}" for label, share in shares) or "not published yet"

    @admin.display(description="curators' prior")
    def curators_prior(self, obj: ExhibitEmotionProfile) -> str:
        prior = obj.exhibit.expected_emotions or {}
        labels = selectors.labels_or_seen(prior)
        return ", ".join(f"{label} {prior.get(label, 0)}" for label in labels if prior.get(label)) or "—"

    @admin.action(description="Publish the selected profiles where enough new visitors contributed")
    def publish(self, request: HttpRequest, queryset: QuerySet[ExhibitEmotionProfile]) -> None:
        count = profiles_publish(exhibit_ids=list(queryset.values_list("exhibit_id", flat=True)))
        self.message_user(request, f"Published {count} new snapshot(s).", messages.SUCCESS)
