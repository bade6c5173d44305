"""Read-only catalogue API: venues, halls and active exhibits, localized per request."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from exhibits.extensions import exhibit_stats_for
from exhibits.filters import ExhibitFilter, HallFilter, VenueFilter
from exhibits.floor_plan import venue_floor_plans
from exhibits.languages import UnsupportedLanguageError, requested_languages
from exhibits.models import Exhibit, ExhibitQuerySet, Hall, Venue, reference_q
from exhibits.serializers import (
    ExhibitDetailSerializer,
    ExhibitSerializer,
    HallSerializer,
    VenueFloorPlansSerializer,
    VenueSerializer,
)
from exhibits.validators import language_codes
from museum_guide.api_errors import ApiError
from museum_guide.middleware import public_cache

LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description="Language of the texts (wins over Accept-Language); rows without it use their venue's default.",
    enum=sorted(language_codes()),
)
_localized = extend_schema(parameters=[LANG_PARAMETER])


class LocalizedViewSetMixin:
    """Resolves the reader's languages once per request and hands them to the serializers."""

    languages: list[str]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        try:
            self.languages = requested_languages(request)
        except UnsupportedLanguageError as exc:
            raise ApiError("unsupported_language", str(exc), status.HTTP_400_BAD_REQUEST) from exc

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()  # type: ignore[misc]
        context["languages"] = getattr(self, "languages", [])
        return context

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        """The catalogue is public and the same for every reader of a language: let caches keep it."""
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method == "GET" and response.status_code == status.HTTP_200_OK:
            public_cache(response, settings.CATALOGUE_CACHE_SECONDS)
        return response


@extend_schema_view(list=_localized, retrieve=_localized)
class VenueViewSet(LocalizedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Venues (museums, city walks)."""

    queryset = Venue.objects.order_by("name", "id")
    serializer_class = VenueSerializer
    filterset_class = VenueFilter

    @extend_schema(
        parameters=[LANG_PARAMETER],
        responses=VenueFloorPlansSerializer,
        summary="The venue's floor plans",
        description="Per floor: halls (drawn as the box around their exhibits on display), the exhibits on "
        "display with their positions, and passage ends (doors; stairs, lifts, ramps and escalators lead to "
        "`to_floor`). Metres from the floor plan's top-left corner. The same geometry as the admin's sketch.",
    )
    @action(detail=True, methods=["get"], url_path="floor-plan", filterset_class=None)
    def floor_plan(self, request: Request, pk: str | None = None) -> Response:
        """Every floor of the venue as data the visitor app draws."""
        venue = self.get_object()
        body = {"venue": venue.pk, "floors": venue_floor_plans(venue, self.languages)}
        return Response(VenueFloorPlansSerializer(body).data)


@extend_schema_view(list=_localized, retrieve=_localized)
class HallViewSet(LocalizedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Halls of the venues."""

    queryset = Hall.objects.select_related("venue").order_by("venue_id", "floor", "name", "id")
    serializer_class = HallSerializer
    filterset_class = HallFilter


_EXHIBIT_REFERENCE = OpenApiParameter(
    "id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Exhibit id or slug (the slug is what QR labels carry)."
)


@extend_schema_view(list=_localized, retrieve=extend_schema(parameters=[LANG_PARAMETER, _EXHIBIT_REFERENCE]))
class ExhibitViewSet(LocalizedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Exhibits on display. The detail adds `n_events` and `emotion_profile` (see `exhibits.extensions`)."""

    filterset_class = ExhibitFilter
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Exhibit]:
        queryset: ExhibitQuerySet = Exhibit.objects.all()
        return queryset.on_display().with_catalogue_relations().order_by("title", "id")

    def get_serializer_class(self) -> type[ExhibitSerializer]:
        return ExhibitDetailSerializer if self.action == "retrieve" else ExhibitSerializer

    def get_object(self) -> Exhibit:
        """The exhibit by id or by slug (what QR labels carry); 404 `not_found` otherwise."""
        reference = str(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        exhibit = self.filter_queryset(self.get_queryset()).filter(reference_q(reference)).first()
        if exhibit is None:
            raise NotFound(f"There is no exhibit {reference!r} on display.")
        self.check_object_permissions(self.request, exhibit)
        return exhibit

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        exhibit = self.get_object()
        context = {**self.get_serializer_context(), "exhibit_stats": exhibit_stats_for([exhibit.pk])}
        return Response(ExhibitDetailSerializer(exhibit, context=context).data)
