"""Query-string filters of the catalogue endpoints."""

from django import forms
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from exhibits.models import Exhibit, ExhibitQuerySet, Hall, Venue, reference_q


class IntegerFilter(filters.NumberFilter):
    """A whole-number filter: `hall=1.5` is a 400, not silently hall 1."""

    field_class = forms.IntegerField


class VenueFilter(filters.FilterSet):
    """Venues by city or free text."""

    city = filters.CharFilter(field_name="city", lookup_expr="iexact")
    search = filters.CharFilter(method="filter_search", help_text="Text in the name or city.")

    class Meta:
        model = Venue
        fields = ["city"]

    def filter_search(self, queryset: QuerySet[Venue], name: str, value: str) -> QuerySet[Venue]:
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value) | Q(slug__icontains=value))


class HallFilter(filters.FilterSet):
    """Halls by venue, floor and accessibility."""

    venue = filters.CharFilter(method="filter_venue", help_text="Venue id or slug.")
    floor = IntegerFilter(field_name="floor")
    # `true` or `false` only: django-filter's BooleanFilter would read `null` or `unknown` as "no filter".
    is_step_free = filters.ChoiceFilter(
        method="filter_step_free",
        choices=[("true", "true"), ("false", "false")],
        help_text="`true`: halls reachable without stairs; `false`: the others.",
    )

    class Meta:
        model = Hall
        fields = ["floor", "is_step_free"]

    def filter_venue(self, queryset: QuerySet[Hall], name: str, value: str) -> QuerySet[Hall]:
        return queryset.filter(reference_q(value, prefix="venue"))

    def filter_step_free(self, queryset: QuerySet[Hall], name: str, value: str) -> QuerySet[Hall]:
        return queryset.filter(is_step_free=value == "true")


class ExhibitFilter(filters.FilterSet):
    """Exhibits by venue, hall, floor, tag and free text in any language."""

    venue = filters.CharFilter(method="filter_venue", help_text="Venue id or slug.")
    hall = IntegerFilter(field_name="hall_id", help_text="Hall id.")
    floor = IntegerFilter(field_name="hall__floor")
    tag = filters.CharFilter(field_name="tags__slug", help_text="Tag slug.")
    slug = filters.CharFilter(field_name="slug", help_text="Exhibit slug (exact).")
    search = filters.CharFilter(
        method="filter_search", help_text="Text in the title, creator, period or description, in any language."
    )

    class Meta:
        model = Exhibit
        fields = ["hall", "floor", "tag"]

    def filter_venue(self, queryset: ExhibitQuerySet, name: str, value: str) -> ExhibitQuerySet:
        return queryset.for_venue(value)

    def filter_search(self, queryset: ExhibitQuerySet, name: str, value: str) -> ExhibitQuerySet:
        return queryset.search(value)
