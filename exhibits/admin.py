"""Django admin for catalogue staff: venues, halls (with exhibits and passages inline), exhibits, tags."""

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV

from exhibits.admin_forms import EmotionWeightsField, TranslatableAdminForm, translations_field
from exhibits.floor_plan import floor_plan_svg
from exhibits.models import Exhibit, Hall, Passage, Tag, Venue
from exhibits.qr import qr_svg
from exhibits.resources import ExhibitResource
from exhibits.services import exhibits_set_active

THUMBNAIL_PX = 64


def thumbnail(exhibit: Exhibit, size: int = THUMBNAIL_PX, *, alt: str = "") -> SafeString | str:
    """A small preview of an exhibit's image, or a dash (decorative next to the title unless `alt` is given)."""
    if not exhibit.image:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" loading="lazy" style="max-width:{}px;max-height:{}px;object-fit:cover;">',
        exhibit.image.url,
        alt,
        size,
        size,
    )


class CatalogueAdminMedia:
    """Styles of the structured JSON editors, the floor plan and the hall inlines; the plan's live marker."""

    css = {"all": ("exhibits/admin.css",)}
    js = ("exhibits/admin.js",)


# The admin's form factory adds each form's Meta (model, fields, formfield_overrides): none is declared here.
class VenueAdminForm(TranslatableAdminForm):
    translations = translations_field(Venue)


class HallAdminForm(TranslatableAdminForm):
    translations = translations_field(Hall)


class ExhibitAdminForm(TranslatableAdminForm):
    """Exhibit form: the prior as one weight per emotion label, translations text by text, alt text required."""

    expected_emotions = EmotionWeightsField(
        required=False,
        label="Expected emotions",
        help_text="Curators' prior: how strongly the exhibit should evoke each expression (e.g. 0.6 surprise, "
        "0.3 happy). Numbers of zero or more; leave a label empty for no weight.",
    )
    translations = translations_field(Exhibit)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("image") and not str(data.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", "Describe the image for visitors who cannot see it (screen readers read this text)."
            )
        return data


def qr_labels_response(request: HttpRequest, exhibits: list[Exhibit]) -> TemplateResponse:
    """A printable sheet of QR labels, one per exhibit, linking to its public visitor page."""
    labels = []
    for exhibit in exhibits:
        url = exhibit.public_url()
        # Safe to mark: qrcode writes the SVG from path data only; the URL is not embedded as text.
        labels.append({"exhibit": exhibit, "url": url, "svg": mark_safe(qr_svg(url))})
    return TemplateResponse(request, "exhibits/admin/qr_labels.html", {"labels": labels, "title": "QR labels"})


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    form = VenueAdminForm
    Media = CatalogueAdminMedia
    list_display = ("name", "slug", "city", "time_zone", "default_language", "hall_count", "graph_version")
    list_filter = ("city", "default_language")
    search_fields = ("name", "slug", "city", "address")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("graph_version", "created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Venue]:
        queryset: QuerySet[Venue] = super().get_queryset(request)
        return queryset.annotate(n_halls=Count("halls"))

    @admin.display(description="halls", ordering="n_halls")
    def hall_count(self, venue: Venue) -> int:
        return getattr(venue, "n_halls", 0)


class ExhibitInline(admin.TabularInline):
    model = Exhibit
    fields = ("preview", "title", "slug", "position_x_m", "position_y_m", "dwell_minutes", "is_active")
    readonly_fields = ("preview",)
    prepopulated_fields = {"slug": ("title",)}
    extra = 0
    show_change_link = True

    @admin.display(description="image")
    def preview(self, exhibit: Exhibit) -> SafeString | str:
        return thumbnail(exhibit, 40)


class _PassageInline(admin.TabularInline):
    """A hall's passages; a passage has two sides, so a hall lists the ones where it is A and where it is B."""

    model = Passage
    other_side = ""
    extra = 0

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        doors = ["door_a_x_m", "door_a_y_m", "door_b_x_m", "door_b_y_m"]
        return (self.other_side, "kind", *doors, "walking_seconds", "is_step_free")


class PassageFromHallInline(_PassageInline):
    fk_name = "hall_a"
    other_side = "hall_b"
    verbose_name = "passage (this hall is side A)"
    verbose_name_plural = "passages where this hall is side A"


class PassageToHallInline(_PassageInline):
    fk_name = "hall_b"
    other_side = "hall_a"
    verbose_name = "passage (this hall is side B)"
    verbose_name_plural = "passages where this hall is side B"


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    form = HallAdminForm
    Media = CatalogueAdminMedia
    list_display = ("name", "venue", "floor", "is_step_free", "exhibit_count")
    list_filter = ("venue", "floor", "is_step_free")
    list_select_related = ("venue",)
    search_fields = ("name", "slug", "venue__name")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (ExhibitInline, PassageFromHallInline, PassageToHallInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Hall]:
        queryset: QuerySet[Hall] = super().get_queryset(request)
        return queryset.annotate(n_exhibits=Count("exhibits"))

    @admin.display(description="exhibits", ordering="n_exhibits")
    def exhibit_count(self, hall: Hall) -> int:
        return getattr(hall, "n_exhibits", 0)


@admin.register(Exhibit)
class ExhibitAdmin(ImportExportModelAdmin, admin.ModelAdmin):
    form = ExhibitAdminForm
    Media = CatalogueAdminMedia
    resource_classes = [ExhibitResource]
    import_formats = [CSV]
    export_formats = [CSV]
    list_display = ("preview", "title", "creator", "period", "hall", "venue", "is_active", "updated_at")
    list_display_links = ("preview", "title")
    list_filter = ("is_active", "hall__venue", "hall__floor", "hall", "tags")
    list_select_related = ("hall__venue",)
    search_fields = ("title", "slug", "creator", "period", "search_text")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("tags",)
    readonly_fields = (
        "image_preview",
        "floor_plan",
        "qr_label",
        "emotion_profile_chart",
        "created_at",
        "updated_at",
    )
    actions = ("activate", "deactivate", "print_qr_labels")
    fieldsets = (
        (None, {"fields": ("title", "slug", "hall", "is_active", "creator", "period", "description", "tags")}),
        ("Image", {"fields": ("image", "image_alt", "image_preview")}),
        ("Position and visit", {"fields": (("position_x_m", "position_y_m"), "floor_plan", "dwell_minutes")}),
        ("Expected emotions", {"fields": ("expected_emotions",)}),
        ("Other languages", {"fields": ("translations",), "classes": ("collapse",)}),
        ("Visitors' expressions", {"fields": ("emotion_profile_chart",)}),
        ("Label and history", {"fields": ("qr_label", "created_at", "updated_at")}),
    )

    @admin.display(description="image")
    def preview(self, exhibit: Exhibit) -> SafeString | str:
        return thumbnail(exhibit)

    @admin.display(description="preview")
    def image_preview(self, exhibit: Exhibit) -> SafeString | str:
        return thumbnail(exhibit, 320, alt=exhibit.image_alt)

    @admin.display(description="on the floor plan")
    def floor_plan(self, exhibit: Exhibit) -> SafeString | str:
        if not exhibit.pk:
            return "Available after saving (choose the hall and position first)."
        return floor_plan_svg(exhibit)

    @admin.display(description="venue", ordering="hall__venue__name")
    def venue(self, exhibit: Exhibit) -> Venue:
        return exhibit.hall.venue

    @admin.display(description="emotion profile")
    def emotion_profile_chart(self, exhibit: Exhibit) -> SafeString | str:
        # Drawn by the reports app's script from its report API, so exhibits imports nothing of it.
        try:
            url = reverse("report-emotions")
        except NoReverseMatch:
            return "—"
        if not exhibit.pk:
            return "Available after saving."
        return format_html(
            '<div data-emotion-profile="{}?group_by=exhibit&amp;exhibit={}" style="position:relative;height:110px;'
            'width:640px"><canvas hidden></canvas><p data-message></p></div>'
            '<script src="{}"></script><script src="{}"></script><script src="{}"></script>',
            url,
            exhibit.pk,
            static("reports/vendor/chartjs/chart.umd.min.js"),
            static("reports/charts.js"),
            static("reports/exhibit_profile.js"),
        )

    @admin.display(description="QR label")
    def qr_label(self, exhibit: Exhibit) -> SafeString | str:
        if not exhibit.pk:
            return "Available after saving."
        return format_html(
            '<a href="{}" target="_blank">Printable label</a> → <a href="{}" target="_blank">{}</a>',
            reverse("admin:exhibits_exhibit_qr_label", args=[exhibit.pk]),
            exhibit.public_url(),
            exhibit.public_url(),
        )

    @admin.action(description="Put selected exhibits on display")
    def activate(self, request: HttpRequest, queryset: QuerySet[Exhibit]) -> None:
        changed = exhibits_set_active(exhibits=queryset, is_active=True)
        self.message_user(request, f"{changed} exhibit(s) put on display.", messages.SUCCESS)

    @admin.action(description="Take selected exhibits off display")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Exhibit]) -> None:
        changed = exhibits_set_active(exhibits=queryset, is_active=False)
        self.message_user(request, f"{changed} exhibit(s) taken off display.", messages.SUCCESS)

    @admin.action(description="Print QR labels for selected exhibits")
    def print_qr_labels(self, request: HttpRequest, queryset: QuerySet[Exhibit]) -> HttpResponse:
        return qr_labels_response(request, list(queryset.select_related("hall__venue").order_by("hall__name", "title")))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:exhibit_id>/qr-label/",
                self.admin_site.admin_view(self.qr_label_view),
                name="exhibits_exhibit_qr_label",
            )
        ]
        return own + super().get_urls()

    def qr_label_view(self, request: HttpRequest, exhibit_id: int) -> HttpResponse:
        """The printable label of one exhibit."""
        exhibit = get_object_or_404(Exhibit.objects.select_related("hall__venue"), pk=exhibit_id)
        if not self.has_view_permission(request, exhibit):
            return HttpResponse(status=403)
        return qr_labels_response(request, [exhibit])


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "walking_seconds", "is_step_free", "venue")
    list_filter = ("kind", "is_step_free", "hall_a__venue")
    list_select_related = ("hall_a__venue", "hall_b")
    search_fields = ("hall_a__name", "hall_b__name")
    autocomplete_fields = ("hall_a", "hall_b")
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description="venue", ordering="hall_a__venue__name")
    def venue(self, passage: Passage) -> Venue:
        return passage.hall_a.venue


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "exhibit_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        queryset: QuerySet[Tag] = super().get_queryset(request)
        return queryset.annotate(n_exhibits=Count("exhibits"))

    @admin.display(description="exhibits", ordering="n_exhibits")
    def exhibit_count(self, tag: Tag) -> int:
        return getattr(tag, "n_exhibits", 0)
