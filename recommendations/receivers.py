"""Signal receivers that publish a new exhibit profile snapshot once enough new visitors contributed."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from emotions.models import EmotionEvent
from recommendations.models import ExhibitEmotionProfile
from recommendations.services import profile_publish_if_due, venue_profiles_changed


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


@receiver(post_delete, sender=ExhibitEmotionProfile, dispatch_uid="recommendations.profile_deleted")
def profile_deleted(sender: type[ExhibitEmotionProfile], instance: ExhibitEmotionProfile, **kwargs: Any) -> None:
    """A snapshot deleted in the admin is no longer published: cached ranking inputs must drop it."""
    venue_profiles_changed(exhibit_ids=[instance.exhibit_id])
