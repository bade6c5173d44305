"""Reads of the emotions app shared by views, admin and other apps."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from emotions.models import Capture, EmotionEvent, Visitor


def visitor_events(*, visitor: Visitor) -> QuerySet[EmotionEvent]:
    """The visitor's emotion journey, newest first."""
    return (
        EmotionEvent.objects.filter(visitor=visitor)
        .select_related("visitor", "exhibit__hall__venue")
        .order_by("-created_at", "-pk")
    )


def capture_get_for_visitor(*, visitor: Visitor, capture_id: uuid.UUID | str) -> Capture:
    """One of the visitor's captures; Http404 for anyone else's (its existence is not revealed)."""
    capture = Capture.objects.select_related("event").filter(pk=capture_id, visitor=visitor).first()
    if capture is None:
        raise Http404("No such capture.")
    return capture


def visitor_export(*, visitor: Visitor) -> dict[str, Any]:
    """Everything stored about a visitor, as JSON-ready data (API keys only as a count)."""
    captures = Capture.objects.filter(visitor=visitor).order_by("created_at")
    events = EmotionEvent.objects.filter(visitor=visitor).order_by("created_at")
    return {
        "visitor": {
            "id": str(visitor.id),
            "language": visitor.language,
            "desired_emotions": visitor.desired_emotions,
            "consent_emotion_analysis": visitor.consent_emotion_analysis,
            "consent_given_at": visitor.consent_given_at,
            "consent_version": visitor.consent_version,
            "consent_withdrawn_at": visitor.consent_withdrawn_at,
            "created_at": visitor.created_at,
            "updated_at": visitor.updated_at,
            "api_tokens": visitor.tokens.count(),
        },
        "consent_history": [
            {"action": record.action, "notice_version": record.notice_version, "at": record.created_at}
            for record in visitor.consent_records.all()
        ],
        "captures": [
            {
                "id": str(capture.id),
                "exhibit": capture.exhibit_id,
                "status": capture.status,
                "error_code": capture.error_code,
                "face_box": capture.face_box,
                "idempotency_key": capture.idempotency_key,
                "image_width": capture.image_width,
                "image_height": capture.image_height,
                "image_stored": bool(capture.image.name),
                "attempts": capture.attempts,
                "created_at": capture.created_at,
                "finished_at": capture.finished_at,
            }
            for capture in captures
        ],
        "emotion_events": [
            {
                "id": event.pk,
                "capture": str(event.capture_id),
                "exhibit": event.exhibit_id,
                "emotion": event.label,
                "confidence": event.confidence,
                "scores": event.scores,
                "model_version": event.model_version,
                "source": event.source,
                "created_at": event.created_at,
            }
            for event in events
        ],
    }
