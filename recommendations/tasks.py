"""Periodic work of the recommendations app (Celery beat, maintenance queue)."""

from celery import shared_task

from recommendations.services import profiles_publish


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def publish_due_profiles_task() -> int:
    """Publish every due exhibit profile snapshot (events publish their own; this catches bulk loads)."""
    return profiles_publish()
