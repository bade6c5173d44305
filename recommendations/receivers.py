"""Signal receivers that keep exhibit emotion profiles current as emotion events come and go."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from emotions.models import EmotionEvent
from recommendations.services import profile_event_apply


@receiver(post_save, sender=EmotionEvent, dispatch_uid="recommendations.event_saved")
def event_saved(
    sender: type[EmotionEvent], instance: EmotionEvent, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new event adds its score vector to its exhibit's profile, in the event's transaction."""
    if created and not raw:
        profile_event_apply(exhibit_id=instance.exhibit_id, scores=instance.scores, label=instance.label)


@receiver(post_delete, sender=EmotionEvent, dispatch_uid="recommendations.event_deleted")
def event_deleted(sender: type[EmotionEvent], instance: EmotionEvent, **kwargs: Any) -> None:
    """An erased event (visitor erasure) leaves the aggregate, so nothing of the visitor remains in it."""
    profile_event_apply(exhibit_id=instance.exhibit_id, scores=instance.scores, label=instance.label, sign=-1)
