"""Visitor, capture, privacy and label endpoints: thin views around services and selectors."""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from emotions import selectors, services
from emotions.authentication import IsVisitor, VisitorTokenAuthentication, request_visitor, visitor_key
from emotions.classifier import active_model_version
from emotions.models import EmotionEvent
from emotions.privacy import privacy_notice
from emotions.serializers import (
    EXPRESSED_NOT_FELT,
    CaptureAcceptedOutputSerializer,
    CaptureCreateInputSerializer,
    CaptureOutputSerializer,
    DeviceReadingInputSerializer,
    EmotionEventOutputSerializer,
    EmotionLabelsOutputSerializer,
    PrivacyNoticeOutputSerializer,
    VisitorCreatedOutputSerializer,
    VisitorCreateInputSerializer,
    VisitorOutputSerializer,
    VisitorTokenOutputSerializer,
    VisitorUpdateInputSerializer,
)
from exhibits.api_views import LANG_PARAMETER
from exhibits.languages import UnsupportedLanguageError, requested_languages
from museum_guide.api_errors import ApiError

# Room for the multipart envelope and the small fields around the image.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class VisitorAPIView(APIView):
    """Base for endpoints of the authenticated visitor (`Authorization: Token mgv_...`)."""

    authentication_classes = [VisitorTokenAuthentication, TokenAuthentication, SessionAuthentication]
    permission_classes = [IsVisitor]


class VisitorCreateView(APIView):
    """POST /visitors/: anyone creates an anonymous visitor and receives its API key once."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_scope = "visitor_create"

    @extend_schema(request=VisitorCreateInputSerializer, responses={201: VisitorCreatedOutputSerializer})
    def post(self, request: Request) -> Response:
        data = VisitorCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.visitor_create(**data.validated_data)
        body = VisitorCreatedOutputSerializer(created.visitor, context={"token": created.token}).data
        return Response(body, status=status.HTTP_201_CREATED)


class VisitorMeView(VisitorAPIView):
    """GET/PATCH/DELETE /visitors/me/: profile, preferences and consent; DELETE erases everything."""

    @extend_schema(responses=VisitorOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(VisitorOutputSerializer(request_visitor(request)).data)

    @extend_schema(request=VisitorUpdateInputSerializer, responses=VisitorOutputSerializer)
    def patch(self, request: Request) -> Response:
        data = VisitorUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visitor = services.visitor_update(visitor=request_visitor(request), **data.validated_data)
        return Response(VisitorOutputSerializer(visitor).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        services.visitor_erase(visitor=request_visitor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VisitorTokenView(VisitorAPIView):
    """POST /visitors/me/token/: a new API key replaces the one used; DELETE: revoke the key used (sign out)."""

    @extend_schema(request=None, responses={201: VisitorTokenOutputSerializer})
    def post(self, request: Request) -> Response:
        key = services.visitor_token_rotate(visitor=request_visitor(request), current_key=_current_key(request))
        return Response(VisitorTokenOutputSerializer({"token": key}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        services.visitor_token_revoke(visitor=request_visitor(request), current_key=_current_key(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _current_key(request: Request) -> str:
    key = visitor_key(request)
    if key is None:  # IsVisitor let the request in, so a visitor key authenticated it
        raise ApiError("not_authenticated", "Send the visitor key as `Authorization: Token mgv_...`.", 401)
    return key


class VisitorExportView(VisitorAPIView):
    """GET /visitors/me/export/: everything stored about the visitor, as JSON."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        body = {"note": EXPRESSED_NOT_FELT, **selectors.visitor_export(visitor=request_visitor(request))}
        return Response(body, headers={"Content-Disposition": 'attachment; filename="my-museum-guide-data.json"'})


class VisitorEventsView(generics.ListAPIView[EmotionEvent]):
    """GET /visitors/me/events/: the visitor's emotion journey, newest first, paginated."""

    authentication_classes = VisitorAPIView.authentication_classes
    permission_classes = VisitorAPIView.permission_classes
    serializer_class = EmotionEventOutputSerializer

    def get_queryset(self) -> QuerySet[EmotionEvent]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no visitor
            return EmotionEvent.objects.none()
        return selectors.visitor_events(visitor=request_visitor(self.request))


IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,64}")  # printable ASCII without spaces, e.g. a UUID


def _idempotency_key(request: Request) -> str | None:
    """The upload's `Idempotency-Key` header (a retry with the same key returns the same capture)."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise ApiError(
            "invalid_idempotency_key", "Idempotency-Key must be 1 to 64 printable ASCII characters, e.g. a UUID."
        )
    return key


class CaptureCreateView(VisitorAPIView):
    """POST /captures/: upload a selfie at an exhibit (202 while a worker reads it), or send a phone's reading (201)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    # The photo may be larger than other API bodies: post() applies CAPTURE_MAX_UPLOAD_BYTES itself.
    checks_own_body_size = True
    throttle_scope = "capture_upload"

    @extend_schema(
        request={
            "multipart/form-data": CaptureCreateInputSerializer,
            "application/json": DeviceReadingInputSerializer,
        },
        responses={202: CaptureAcceptedOutputSerializer, 201: CaptureOutputSerializer},
        description=(
            "A photo (multipart) is read by a worker: 202, then poll the Location. A reading made on the phone "
            '(JSON `{exhibit, scores, model_version, source: "device"}` with a model from GET /models/current/) '
            "is stored at once: 201 with the finished capture; no photo leaves the phone."
        ),
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Optional; a retry with the same key (1-64 printable ASCII characters, e.g. a UUID) "
                "returns the first capture instead of creating another.",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        # Refuse oversized bodies before the multipart parser spools them to disk.
        try:
            content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            content_length = 0  # Django's parser rejects a malformed header itself
        if (request.content_type or "").startswith("application/json"):
            return self._device_reading(request, content_length)
        limit = settings.CAPTURE_MAX_UPLOAD_BYTES
        if content_length > limit + MULTIPART_OVERHEAD_BYTES:
            raise ApiError(
                "image_too_large",
                f"The upload is {content_length:,} bytes; images up to {limit:,} bytes are accepted.",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        if len(request.FILES.getlist("image")) > 1:
            raise ApiError("multiple_images", "Send one image per capture; this upload holds several.")
        data = CaptureCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["image"]
        # One byte over the limit is enough to know it is too large; never read more than that.
        image_data = upload.read(settings.CAPTURE_MAX_UPLOAD_BYTES + 1)
        capture = services.capture_create(
            visitor=request_visitor(request),
            exhibit=data.validated_data["exhibit"],
            image_data=image_data,
            face_box=data.validated_data.get("face_box"),
            idempotency_key=_idempotency_key(request),
        )
        # Where to poll, and how soon: a capture is usually read within a second or two.
        headers = {"Location": reverse("capture-detail", args=[capture.pk]), "Retry-After": "1"}
        return Response(CaptureAcceptedOutputSerializer(capture).data, status=status.HTTP_202_ACCEPTED, headers=headers)

    def _device_reading(self, request: Request, content_length: int) -> Response:
        if content_length > settings.API_MAX_BODY_BYTES:
            raise ApiError(
                "request_too_large",
                f"The request body is {content_length:,} bytes; at most {settings.API_MAX_BODY_BYTES:,} are accepted.",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        data = DeviceReadingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        capture = services.capture_record_reading(
            visitor=request_visitor(request),
            exhibit=data.validated_data["exhibit"],
            scores=data.validated_data["scores"],
            model_version=data.validated_data["model_version"],
            idempotency_key=_idempotency_key(request),
        )
        headers = {"Location": reverse("capture-detail", args=[capture.pk])}
        return Response(CaptureOutputSerializer(capture).data, status=status.HTTP_201_CREATED, headers=headers)


class CaptureDetailView(VisitorAPIView):
    """GET /captures/{id}/: the owner's capture with its outcome; anyone else gets 404."""

    @extend_schema(responses=CaptureOutputSerializer)
    def get(self, request: Request, capture_id: str) -> Response:
        capture = selectors.capture_get_for_visitor(visitor=request_visitor(request), capture_id=capture_id)
        return Response(CaptureOutputSerializer(capture).data)


class PrivacyNoticeView(APIView):
    """GET /privacy/: the notice text and the version that consent refers to."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(responses=PrivacyNoticeOutputSerializer, parameters=[LANG_PARAMETER])
    def get(self, request: Request) -> Response:
        # Like the catalogue: `?lang=`, then Accept-Language; a language without a translation reads English.
        try:
            languages = requested_languages(request)
        except UnsupportedLanguageError as exc:
            raise ApiError("unsupported_language", str(exc), status.HTTP_400_BAD_REQUEST) from exc
        response = Response(PrivacyNoticeOutputSerializer(privacy_notice(languages)).data)
        response["Vary"] = "Accept-Language"
        return response


class EmotionLabelsView(APIView):
    """GET /emotions/: the active model's labels and version."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(responses=EmotionLabelsOutputSerializer)
    def get(self, request: Request) -> Response:
        labels = services.model_labels()
        body = {"labels": list(labels), "model_version": active_model_version(), "note": EXPRESSED_NOT_FELT}
        return Response(EmotionLabelsOutputSerializer(body).data)
