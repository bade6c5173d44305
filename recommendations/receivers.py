"""Signal receivers that publish a new exhibit profile snapshot once enough new visitors contributed."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from emotions.models import EmotionEvent
from recommendations.services import profile_publish_if_due


@receiver(post_save, sender=EmotionEvent, dispatch_uid="recommendations.event_saved")
def event_saved(
    sender: type[EmotionEvent], instance: EmotionEvent, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new event may complete the k new visitors a snapshot waits for (checked in the event's transaction).

    Erased events do not republish: a snapshot taken right after one visitor's erasure would reveal, by
    difference, what that visitor contributed. The next due snapshot leaves them out.
    """
    if created and not raw:
        profile_publish_if_due(exhibit_id=instance.exhibit_id)
