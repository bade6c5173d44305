"""Input and output shapes of the emotions API (no business logic here)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from emotions.models import CAPTURE_ERROR_CODES, Capture, CaptureStatus, EmotionEvent, Visitor
from museum_guide.json_fields import StrictBooleanField

EXPRESSED_NOT_FELT = (
    "Emotions are facial expressions the camera saw at that moment, not statements about what a person felt."
)


class VisitorCreateInputSerializer(serializers.Serializer[Any]):
    consent_emotion_analysis = StrictBooleanField(default=False)
    language = serializers.ChoiceField(choices=[code for code, _ in settings.LANGUAGES], default="en")
    desired_emotions = serializers.ListField(child=serializers.CharField(max_length=32), max_length=20, default=list)


class VisitorUpdateInputSerializer(serializers.Serializer[Any]):
    consent_emotion_analysis = StrictBooleanField(required=False)
    language = serializers.ChoiceField(choices=[code for code, _ in settings.LANGUAGES], required=False)
    desired_emotions = serializers.ListField(child=serializers.CharField(max_length=32), max_length=20, required=False)


class VisitorOutputSerializer(serializers.ModelSerializer[Any]):
    class Meta:
        model = Visitor
        fields = [
            "id",
            "language",
            "desired_emotions",
            "consent_emotion_analysis",
            "consent_given_at",
            "consent_version",
            "consent_withdrawn_at",
            "created_at",
        ]


class VisitorCreatedOutputSerializer(VisitorOutputSerializer):
    token = serializers.SerializerMethodField(help_text="API key for `Authorization: Token <key>`; shown only once.")

    class Meta(VisitorOutputSerializer.Meta):
        fields = [*VisitorOutputSerializer.Meta.fields, "token"]

    def get_token(self, visitor: Visitor) -> str:
        return str(self.context["token"])


class VisitorTokenOutputSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="The new API key for `Authorization: Token <key>`; shown only once.")


class FaceBoxField(serializers.CharField):
    """`x,y,w,h` in pixels of the EXIF-oriented image -> {"x", "y", "w", "h"}.

    Also accepted, since phone SDKs produce them: a JSON array `[x, y, w, h]` or object
    `{"x": .., "y": .., "w": .., "h": ..}`, sent as the part's text.
    """

    default_error_messages = {
        # DRF formats these messages: the object's braces are doubled.
        "invalid_face_box": 'face_box must be four integers x,y,w,h (or [x, y, w, h], or {{"x", "y", "w", "h"}}) '
        "with w, h > 0 and x, y >= 0."
    }

    def to_internal_value(self, data: Any) -> dict[str, int]:  # type: ignore[override]
        if isinstance(data, list | dict):  # a JSON request body
            values: Any = data
        else:
            text = super().to_internal_value(data).strip()
            try:
                values = json.loads(text) if text[:1] in "[{" else [part.strip() for part in text.split(",")]
            except ValueError:
                self.fail("invalid_face_box")
        if isinstance(values, dict):
            if set(values) != {"x", "y", "w", "h"}:
                self.fail("invalid_face_box")
            values = [values["x"], values["y"], values["w"], values["h"]]
        if not isinstance(values, list) or len(values) != 4:
            self.fail("invalid_face_box")
        try:
            # Whole numbers only: bools, fractions ("1.5") and non-ASCII digits are refused.
            x, y, w, h = (_whole_number(value) for value in values)
        except ValueError:
            self.fail("invalid_face_box")
        if x < 0 or y < 0 or w <= 0 or h <= 0:
            self.fail("invalid_face_box")
        return {"x": x, "y": y, "w": w, "h": h}


def _whole_number(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a boolean is no coordinate")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.lstrip("-").isdigit():
        return int(value)
    raise ValueError(f"{value!r} is no whole number")


@extend_schema_field(OpenApiTypes.BINARY)
class ImageUploadField(serializers.FileField):
    """The photo's bytes as a multipart file part (declared `format: binary` for generated clients)."""


class CaptureCreateInputSerializer(serializers.Serializer[Any]):
    exhibit = serializers.CharField(min_length=1, max_length=200, help_text="Exhibit id or slug.")
    # Empty files get the dedicated `empty_image` error from the image validation.
    image = ImageUploadField(allow_empty_file=True, use_url=False, help_text="JPEG, HEIC, PNG or WebP photo.")
    face_box = FaceBoxField(
        required=False,
        min_length=1,
        help_text=(
            "Optional face box from the phone's own face detector, as `x,y,w,h` (integers, e.g. `812,604,1120,1380`; "
            'a JSON array `[x, y, w, h]` or object `{"x": .., "y": .., "w": .., "h": ..}` is read too) '
            "in pixels of the full-resolution image after its EXIF orientation is applied (the image as a viewer "
            "shows it upright), origin at the top-left corner. Full resolution means the image as uploaded: a "
            "client that downscales the photo before sending it (the web app sends 1600 px on the long side) "
            "measures or scales its box on the image it sends. It replaces the server's face detection. A box "
            "that does not fit inside the image gets 400 `face_box_out_of_bounds`; a malformed one 400 "
            "`invalid_face_box`."
        ),
    )


class DeviceReadingInputSerializer(serializers.Serializer[Any]):
    """A reading made on the phone with a model downloaded from /models/current/: only scores are sent."""

    exhibit = serializers.CharField(min_length=1, max_length=200, help_text="Exhibit id or slug.")
    scores = serializers.DictField(
        child=serializers.FloatField(),
        allow_empty=False,
        help_text="{label: probability} over exactly the labels of model_version; finite, >= 0, summing to 1.",
    )
    model_version = serializers.CharField(
        max_length=128, help_text="The model the phone ran: the current one (GET /models/current/) or the previous."
    )
    # A field named like DRF's Field.source: the serializer metaclass takes it out of the class, the stubs do not.
    source = serializers.ChoiceField(choices=["device"], help_text='Always "device": read on the phone.')  # type: ignore[assignment]


class CaptureAcceptedOutputSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=CaptureStatus.choices)


class CaptureOutputSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    exhibit = serializers.IntegerField(source="exhibit_id")
    status = serializers.ChoiceField(choices=CaptureStatus.choices)
    emotion = serializers.SerializerMethodField(help_text=EXPRESSED_NOT_FELT)
    confidence = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()
    model_version = serializers.SerializerMethodField()
    # A field named like DRF's Field.source: the serializer metaclass takes it out of the class, the stubs do not.
    source = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text='Where the face was read: "server" or "device"; null until read.'
    )
    error_code = serializers.ChoiceField(
        choices=CAPTURE_ERROR_CODES, help_text="Why the capture failed; empty unless `status` is `failed`."
    )

    def _event(self, capture: Capture) -> EmotionEvent | None:
        return getattr(capture, "event", None)

    def get_emotion(self, capture: Capture) -> str | None:
        event = self._event(capture)
        return event.label if event else None

    def get_confidence(self, capture: Capture) -> float | None:
        event = self._event(capture)
        return event.confidence if event else None

    def get_scores(self, capture: Capture) -> dict[str, float] | None:
        event = self._event(capture)
        return event.scores if event else None

    def get_model_version(self, capture: Capture) -> str | None:
        event = self._event(capture)
        return event.model_version if event else None

    def get_source(self, capture: Capture) -> str | None:
        event = self._event(capture)
        return event.source if event else None


class EmotionEventOutputSerializer(serializers.ModelSerializer[Any]):
    emotion = serializers.CharField(source="label", help_text=EXPRESSED_NOT_FELT)
    exhibit_title = serializers.SerializerMethodField(help_text="The exhibit's title in the visitor's language.")

    class Meta:
        model = EmotionEvent
        fields = [
            "id",
            "capture",
            "exhibit",
            "exhibit_title",
            "emotion",
            "confidence",
            "scores",
            "model_version",
            "source",
            "created_at",
        ]

    def get_exhibit_title(self, event: EmotionEvent) -> str:
        return event.exhibit.text("title", event.visitor.language)


class EmotionLabelsOutputSerializer(serializers.Serializer[Any]):
    labels = serializers.ListField(child=serializers.CharField())
    model_version = serializers.CharField()
    note = serializers.CharField()


class PrivacyNoticeOutputSerializer(serializers.Serializer[Any]):
    version = serializers.CharField()
    language = serializers.CharField(help_text="The language of `text` (English where no translation exists).")
    text = serializers.CharField()
