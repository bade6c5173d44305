"""Visitors, their API tokens, selfie captures and the emotion events the model derives from them."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from emotions.storage import private_storage


class Visitor(models.Model):
    """An anonymous app user: no name, no e-mail, no face data; only preferences and consent."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    language = models.CharField(max_length=8, default="en")
    # Labels of the active model the visitor would like to feel; validated against its label set.
    desired_emotions = models.JSONField(default=list, blank=True)
    consent_emotion_analysis = models.BooleanField(default=False)
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_version = models.CharField(max_length=32, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_emotion_analysis=False) | Q(consent_given_at__isnull=False),
                name="visitor_consent_has_timestamp",
            ),
        ]

    def __str__(self) -> str:
        return f"Visitor {self.id}"

    @property
    def has_consent(self) -> bool:
        """Whether emotion analysis may run for this visitor now."""
        return self.consent_emotion_analysis


class ConsentAction(models.TextChoices):
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class ConsentRecord(models.Model):
    """One grant or withdrawal of consent to emotion analysis: an append-only history, erased with the visitor.

    The visitor row holds only the current state; this log keeps every change with the notice version the
    visitor saw, so granting again never overwrites when consent was withdrawn.
    """

    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="consent_records")
    action = models.CharField(max_length=16, choices=ConsentAction.choices)
    notice_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["visitor", "created_at"], name="consent_visitor_created_idx")]

    def __str__(self) -> str:
        return f"{self.action} ({self.notice_version}) at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("consent records are append-only")
        super().save(*args, **kwargs)


class PersonalDataAccess(models.Model):
    """Audit log: a superuser opened individual visitor, capture or event rows in the admin (support only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    model = models.CharField(max_length=32)
    object_id = models.CharField(max_length=64, blank=True, help_text="Empty for a list view.")
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "personal data accesses"

    def __str__(self) -> str:
        return f"{self.user} viewed {self.model} {self.object_id or '(list)'}"


class VisitorToken(models.Model):
    """An API key of one visitor's app install; only its SHA-256 digest is stored.

    Why not DRF's `authtoken.Token`: it needs a `User` row per visitor, which would put anonymous
    phones into the staff user table (admin lists, permissions, password machinery) and stores the
    key in clear text. Visitor keys carry the `PREFIX` so `VisitorTokenAuthentication` recognises
    them and leaves other `Token ...` headers to DRF's TokenAuthentication for staff users.
    """

    PREFIX = "mgv_"

    digest = models.CharField(max_length=64, primary_key=True)
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="tokens")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Token of {self.visitor_id}"

    @classmethod
    def hash_key(cls, key: str) -> str:
        """The stored digest of a clear-text key."""
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def generate_key(cls) -> str:
        """A fresh random clear-text key (shown to the client once)."""
        return cls.PREFIX + secrets.token_urlsafe(32)


class CaptureStatus(models.TextChoices):
    PENDING = "pending", "pending"
    PROCESSING = "processing", "processing"
    DONE = "done", "done"
    NO_FACE = "no_face", "no face found"
    FAILED = "failed", "failed"


# Why a capture failed (Capture.error_code; "" unless the status is failed), as the API enumerates them.
CAPTURE_ERROR_CODES = ("", "image_missing", "image_unreadable", "consent_withdrawn", "too_many_attempts")


class CaptureQuerySet(models.QuerySet["Capture"]):
    def unfinished(self) -> CaptureQuerySet:
        """Captures a worker still has to process."""
        return self.filter(status__in=Capture.UNFINISHED)


class Capture(models.Model):
    """One selfie taken at an exhibit, from upload to its processing outcome.

    The image is deleted once processed (see CAPTURE_RETENTION_SECONDS); the row stays as the
    record of what happened to it.
    """

    UNFINISHED = (CaptureStatus.PENDING, CaptureStatus.PROCESSING)
    FINISHED = (CaptureStatus.DONE, CaptureStatus.NO_FACE, CaptureStatus.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="captures")
    # Deleting an exhibit deletes its captures and events: analytics of a removed exhibit are
    # meaningless, and staff retire exhibits with `is_active` instead.
    exhibit = models.ForeignKey("exhibits.Exhibit", on_delete=models.CASCADE, related_name="captures")
    status = models.CharField(max_length=16, choices=CaptureStatus.choices, default=CaptureStatus.PENDING)
    error_code = models.CharField(max_length=64, blank=True)
    image = models.FileField(storage=private_storage, upload_to="captures/", max_length=255, blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)
    # Face box the phone found, in pixels of the stored (EXIF-oriented, possibly reduced) image: {"x", "y", "w", "h"}.
    face_box = models.JSONField(null=True, blank=True)
    # The phone's Idempotency-Key header: a retried upload with the same key returns this capture.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CaptureQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="capture_status_updated_idx"),
            models.Index(fields=["visitor", "-created_at"], name="capture_visitor_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in CaptureStatus]), name="capture_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=CaptureStatus.FAILED) | ~Q(error_code=""), name="capture_failed_has_error_code"
            ),
            models.UniqueConstraint(
                fields=["visitor", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="capture_visitor_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Capture {self.id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        """Whether processing reached a final state."""
        return self.status in self.FINISHED


class ReadingSource(models.TextChoices):
    """Where the model read the face: on the server from an uploaded photo, or on the visitor's phone."""

    SERVER = "server", "server"
    DEVICE = "device", "device"


class EmotionEvent(models.Model):
    """The facial expression the model saw on one capture: visitor x exhibit x emotion.

    Emotions here are *expressed* (what the face showed), never claims about what a person felt.
    """

    capture = models.OneToOneField(Capture, on_delete=models.CASCADE, related_name="event")
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="emotion_events")
    exhibit = models.ForeignKey("exhibits.Exhibit", on_delete=models.CASCADE, related_name="emotion_events")
    label = models.CharField(max_length=32)
    confidence = models.FloatField()
    # Full probability vector {label: p} over the model's labels, summing to 1. Key order is not
    # kept (PostgreSQL's jsonb sorts keys); GET /api/v1/emotions/ gives the model's label order.
    scores = models.JSONField()
    model_version = models.CharField(max_length=128)
    # The same model versions run on both (the phone downloads the server's export), so readings compare.
    source = models.CharField(
        max_length=8, choices=ReadingSource.choices, default=ReadingSource.SERVER, db_default=ReadingSource.SERVER
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["exhibit", "created_at"], name="event_exhibit_created_idx"),
            models.Index(fields=["exhibit", "label"], name="event_exhibit_label_idx"),
            models.Index(fields=["visitor", "-created_at"], name="event_visitor_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=0.0) & Q(confidence__lte=1.0), name="event_confidence_0_1"
            ),
            models.CheckConstraint(
                condition=Q(source__in=[choice.value for choice in ReadingSource]), name="event_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} at exhibit {self.exhibit_id}"


def capture_upload_name(extension: str) -> str:
    """A random storage name for a selfie: nothing in it identifies the visitor."""
    return f"captures/{uuid.uuid4().hex}.{extension}"
