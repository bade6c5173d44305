"""Report endpoints for staff and analysts: thin views around the report selectors."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from emotions.authentication import VisitorTokenAuthentication
from emotions.services import model_labels
from reports import selectors
from reports.csv_export import CSVRenderer, report_csv_response
from reports.permissions import IsAnalyst
from reports.serializers import (
    EXPRESSED_NOT_FELT,
    EmotionReportInputSerializer,
    EmotionReportOutputSerializer,
    TopExhibitsInputSerializer,
    TopExhibitsOutputSerializer,
)


def _given(request: Request) -> dict[str, str]:
    """Query parameters with a value (an empty form field means "no filter")."""
    return {key: str(value) for key, value in request.query_params.items() if str(value).strip() != ""}


class ReportAPIView(APIView):
    """Base of report endpoints: staff/analyst users by DRF token or admin session.

    Visitor tokens are recognised (so a visitor gets 403, not 401) but never allowed.
    """

    authentication_classes = [VisitorTokenAuthentication, TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAnalyst]
    renderer_classes = [JSONRenderer, CSVRenderer]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Errors are JSON `{"code", "detail"}` even when CSV was asked for.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


FORMAT_PARAMETER = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv"], description="`csv` streams the same numbers as CSV."
)


class EmotionReportView(ReportAPIView):
    """GET /reports/emotions/: expressed-emotion counts and shares per exhibit, hall, venue or local time."""

    @extend_schema(
        parameters=[EmotionReportInputSerializer, FORMAT_PARAMETER],
        responses={200: EmotionReportOutputSerializer, 403: OpenApiResponse(description="Not staff or analyst.")},
        description=EXPRESSED_NOT_FELT,
    )
    def get(self, request: Request) -> HttpResponseBase:
        labels = model_labels()
        data = EmotionReportInputSerializer(data=_given(request), context={"labels": labels})
        data.is_valid(raise_exception=True)
        report = selectors.emotion_report(
            group_by=data.validated_data["group_by"], filters=data.filters(), labels=labels
        )
        if request.accepted_renderer.format == "csv":
            return report_csv_response(report, filename=f"emotions-by-{report.group_by}.csv")
        body = EmotionReportOutputSerializer(
            {
                "group_by": report.group_by,
                "labels": list(report.labels),
                "min_group_size": report.min_group_size,
                "groups": [asdict(group) for group in report.groups],
            }
        ).data
        return Response(body)


class TopExhibitsView(ReportAPIView):
    """GET /reports/top-exhibits/: exhibits with the highest share of one expressed emotion."""

    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[TopExhibitsInputSerializer],
        responses={200: TopExhibitsOutputSerializer, 403: OpenApiResponse(description="Not staff or analyst.")},
        description=EXPRESSED_NOT_FELT,
    )
    def get(self, request: Request) -> Response:
        labels = model_labels()
        data = TopExhibitsInputSerializer(data=_given(request), context={"labels": labels})
        data.is_valid(raise_exception=True)
        report = selectors.top_exhibits(
            emotion=data.validated_data["emotion"],
            filters=data.filters(),
            labels=labels,
            limit=data.validated_data["limit"],
        )
        return Response(TopExhibitsOutputSerializer(asdict(report)).data)
