"""Celery tasks of the emotions app: selfie classification and the jobs that keep it lossless."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError, transaction

from emotions import services

logger = logging.getLogger(__name__)


class OnCommitTask(DjangoTask):
    """DjangoTask whose delay_on_commit never breaks the committed request.

    If the broker is unreachable the exception is logged instead of raised after the commit (the
    row is already saved, a 500 would make the phone upload the selfie twice); the capture stays
    `pending` and the stuck-capture job enqueues it once the broker is back.
    """

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        # A named function, not functools.partial: Django logs a robust callback's __qualname__.
        def send() -> None:
            self.delay(*args, **kwargs)

        transaction.on_commit(send, robust=True)


@shared_task(
    base=OnCommitTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # Transient errors: a database blip, the model file being replaced, a storage hiccup.
    autoretry_for=(services.TransientCaptureError, DatabaseError, SoftTimeLimitExceeded),
    max_retries=3,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    # Classifying one face takes well under a second; these only stop a hung worker. A run that is
    # still alive when the stuck job re-enqueues its capture (after CAPTURE_PROCESSING_STUCK_SECONDS)
    # races the new run harmlessly: the first event wins, the second is dropped by the unique constraint.
    soft_time_limit=60,
    time_limit=90,
)
def classify_capture_task(self: OnCommitTask, capture_id: str) -> str | None:
    """Classify one capture's expression (idempotent: a finished capture is left untouched)."""
    capture = services.capture_classify(capture_id=capture_id)
    return capture.status if capture is not None else None


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def requeue_stuck_captures_task() -> dict[str, int]:
    """Beat job: enqueue captures stuck in pending/processing again; fail those out of attempts."""
    report = services.captures_requeue_stuck()
    return {"requeued": len(report.requeued), "failed": len(report.failed)}


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def purge_capture_images_task() -> int:
    """Beat job: delete selfies past their retention and orphaned files."""
    return services.capture_images_purge()


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def erase_inactive_visitors_task() -> int:
    """Beat job: erase visitors inactive for VISITOR_RETENTION_DAYS (see emotions.services)."""
    return services.visitors_erase_inactive()
