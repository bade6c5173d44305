"""Admin for exhibit emotion profiles: read-only outputs, a rebuild action calling the same service."""

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from recommendations import selectors
from recommendations.models import ExhibitEmotionProfile
from recommendations.services import profiles_rebuild

if TYPE_CHECKING:
    ProfileModelAdmin = admin.ModelAdmin[ExhibitEmotionProfile]
else:  # ModelAdmin is only generic for the type checker
    ProfileModelAdmin = admin.ModelAdmin


@admin.register(ExhibitEmotionProfile)
class ExhibitEmotionProfileAdmin(ProfileModelAdmin):
    """Staff see what visitors' expressions add up to per exhibit; the numbers are model outputs."""

    list_display = ["exhibit", "hall", "n_events", "top_expressions", "updated_at"]
    list_select_related = ["exhibit__hall"]
    list_filter = ["exhibit__hall__venue", "exhibit__hall"]
    search_fields = ["exhibit__title", "exhibit__slug"]
    ordering = ["-n_events"]
    readonly_fields = ("exhibit", "n_events", "smoothed_profile", "score_sums", "label_counts", "updated_at")
    fields = ("exhibit", "n_events", "smoothed_profile", "score_sums", "label_counts", "updated_at")
    actions = ["rebuild"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="hall", ordering="exhibit__hall__name")
    def hall(self, obj: ExhibitEmotionProfile) -> str:
        return str(obj.exhibit.hall.name)

    def _profile(self, obj: ExhibitEmotionProfile) -> dict[str, float]:
        prior = obj.exhibit.expected_emotions
        labels = selectors.labels_or_seen(obj.score_sums, prior)
        return selectors.exhibit_profile(obj.score_sums, obj.n_events, prior, labels)

    @admin.display(description="top expressions (smoothed)")
    def top_expressions(self, obj: ExhibitEmotionProfile) -> str:
        top = sorted(self._profile(obj).items(), key=lambda item: -item[1])[:3]
        return ", ".join(f"{label} {share:.0%}" for label, share in top)

    @admin.display(description="smoothed profile (expressions, not felt emotions)")
    def smoothed_profile(self, obj: ExhibitEmotionProfile) -> str:
        profile = sorted(self._profile(obj).items(), key=lambda item: -item[1])
        return ", ".join(f"{label} {share:.1%}" for label, share in profile)

    @admin.action(description="Rebuild the selected profiles from all events")
    def rebuild(self, request: HttpRequest, queryset: QuerySet[ExhibitEmotionProfile]) -> None:
        count = profiles_rebuild(exhibit_ids=list(queryset.values_list("exhibit_id", flat=True)))
        self.message_user(request, f"Rebuilt {count} profiles.", messages.SUCCESS)
