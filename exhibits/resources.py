"""CSV import/export of exhibits for staff (django-import-export).

Columns: slug (the row's identity), title, venue and hall (slugs), creator, period, description,
image_alt (the image's text alternative; a file without this column leaves it unchanged), tags
(comma-separated slugs, created when new), position_x_m, position_y_m, dwell_minutes,
expected_emotions and translations (JSON), is_active. Images are managed in the admin, not in CSV.

An import is all or nothing: a file with a bad row reports every bad row with its line number and
field, and nothing of the file is saved.
"""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from import_export import fields, resources, widgets

from exhibits.models import Exhibit, Hall, Tag


class HallBySlugWidget(widgets.ForeignKeyWidget):
    """A hall named by its slug within the row's `venue` column."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Hall, field="slug", **kwargs)

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> Hall | None:
        slug = str(value or "").strip()
        venue = str((row or {}).get("venue") or "").strip()
        if not slug:
            raise ValueError("hall is required (a hall slug).")
        if not venue:
            raise ValueError("venue is required (a venue slug) to find the hall.")
        hall = Hall.objects.select_related("venue").filter(venue__slug=venue, slug=slug).first()
        if hall is None:
            raise ValueError(f"no hall {slug!r} in venue {venue!r}.")
        return hall

    def render(self, value: Hall | None, obj: Any = None, **kwargs: Any) -> str:
        return value.slug if value is not None else ""


class TagSlugsWidget(widgets.ManyToManyWidget):
    """Comma-separated tag slugs; unknown slugs become new tags."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Tag, separator=",", field="slug", **kwargs)

    @staticmethod
    def slugs(value: Any) -> list[str]:
        """The slugs in a cell, validated (raises ValueError with a readable message)."""
        slugs = [part.strip() for part in str(value or "").split(",") if part.strip()]
        for slug in slugs:
            try:
                validate_slug(slug)
            except ValidationError as exc:
                raise ValueError(f"tag {slug!r} is not a slug (letters, digits, - and _).") from exc
        return slugs

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> list[Tag]:
        tags = []
        for slug in self.slugs(value):
            tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").capitalize()})
            tags.append(tag)
        return tags

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ",".join(tag.slug for tag in value.all()) if value is not None else ""


class ReadableJSONWidget(widgets.JSONWidget):
    """JSON cells with non-ASCII kept readable (Cyrillic stays Cyrillic in the CSV)."""

    def clean(self, value: Any, row: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return {}
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos}).") from exc

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return json.dumps(value or {}, ensure_ascii=False, sort_keys=True)


class ExhibitResource(resources.ModelResource):
    """Exhibits as CSV rows keyed by slug."""

    venue = fields.Field(attribute="hall__venue__slug", column_name="venue", readonly=True)
    hall = fields.Field(attribute="hall", column_name="hall", widget=HallBySlugWidget())
    tags = fields.Field(attribute="tags", column_name="tags", widget=TagSlugsWidget())
    expected_emotions = fields.Field(
        attribute="expected_emotions", column_name="expected_emotions", widget=ReadableJSONWidget()
    )
    translations = fields.Field(attribute="translations", column_name="translations", widget=ReadableJSONWidget())

    class Meta:
        model = Exhibit
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "title",
            "venue",
            "hall",
            "creator",
            "period",
            "description",
            "image_alt",
            "tags",
            "position_x_m",
            "position_y_m",
            "dwell_minutes",
            "expected_emotions",
            "translations",
            "is_active",
        )
        export_order = fields
        use_transactions = True
        clean_model_instances = True  # model validators: slugs, priors, translations, constraints
        skip_unchanged = True
        report_skipped = True

    def get_export_queryset(self, request: Any = None) -> Any:
        """Export with the hall, venue and tags of every row in three queries."""
        return Exhibit.objects.select_related("hall__venue").prefetch_related("tags").order_by("slug")

    def import_instance(self, instance: Exhibit, row: dict[str, Any], **kwargs: Any) -> None:
        """Set the row's fields, reporting bad tags as a field error instead of a crash in save_m2m."""
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors.update(exc.error_dict)
        if "tags" in row:
            try:
                TagSlugsWidget.slugs(row["tags"])
            except ValueError as exc:
                errors["tags"] = [ValidationError(str(exc), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def import_data(self, *args: Any, **kwargs: Any) -> Any:
        """All or nothing: roll back the whole file when any row has a validation error."""
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(*args, **kwargs)
