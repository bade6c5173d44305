"""Signal receivers that keep the report projection (and its rollups) equal to the events and the catalogue.

A report row is CASCADE-deleted with its event (visitor erasure, exhibit removal), inside the same
transaction; its post_delete takes it out of the rollups in that transaction too.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from emotions.models import EmotionEvent, Visitor
from exhibits.models import Exhibit, Hall, Venue
from reports.models import ReportEvent, ReportVisitorNumber
from reports.rollups import rollups_enabled, rollups_lock_visitor, rollups_remove
from reports.services import report_event_record, report_events_refresh_placement


@receiver(post_save, sender=EmotionEvent, dispatch_uid="reports.event_saved")
def event_saved(
    sender: type[EmotionEvent], instance: EmotionEvent, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A new event gets its report row in the same transaction."""
    if created and not raw:
        report_event_record(event=instance)


@receiver(post_delete, sender=ReportEvent, dispatch_uid="reports.row_deleted")
def row_deleted(sender: type[ReportEvent], instance: ReportEvent, **kwargs: Any) -> None:
    """A deleted report row leaves the rollups in the deleting transaction."""
    if rollups_enabled():
        rollups_remove(row=instance)


@receiver(pre_delete, sender=Visitor, dispatch_uid="reports.visitor_deleting")
def visitor_deleting(sender: type[Visitor], instance: Visitor, **kwargs: Any) -> None:
    """Before an erasure deletes the visitor's rows: lock their rollup buckets in order (no deadlocks)."""
    if rollups_enabled():
        rollups_lock_visitor(visitor_id=instance.pk)


@receiver(post_delete, sender=Visitor, dispatch_uid="reports.visitor_deleted")
def visitor_deleted(sender: type[Visitor], instance: Visitor, **kwargs: Any) -> None:
    """An erased visitor's rollup number goes too (their rows left the rollups just before, same transaction)."""
    ReportVisitorNumber.objects.filter(visitor_id=instance.pk).delete()


@receiver(pre_save, sender=Venue, dispatch_uid="reports.venue_saving")
def venue_saving(sender: type[Venue], instance: Venue, raw: bool = False, **kwargs: Any) -> None:
    """Remember the stored time zone, so that post_save can tell whether it changed."""
    if not raw and instance.pk is not None:
        instance._reports_old_time_zone = (  # type: ignore[attr-defined]
            Venue.objects.filter(pk=instance.pk).values_list("time_zone", flat=True).first()
        )


@receiver(post_save, sender=Venue, dispatch_uid="reports.venue_saved")
def venue_saved(sender: type[Venue], instance: Venue, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A venue's new time zone moves its events to other local days and hours."""
    old = getattr(instance, "_reports_old_time_zone", None)
    if not raw and not created and old is not None and old != instance.time_zone:
        ids = ReportEvent.objects.filter(venue_id=instance.pk).values_list("exhibit_id", flat=True).distinct()
        report_events_refresh_placement(exhibit_ids=list(ids))


@receiver(post_save, sender=Hall, dispatch_uid="reports.hall_saved")
def hall_saved(sender: type[Hall], instance: Hall, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A hall moved to another venue takes its exhibits' events along (and into that venue's time zone)."""
    if raw or created:
        return
    moved = ReportEvent.objects.filter(hall_id=instance.pk).exclude(venue_id=instance.venue_id)
    if moved.exists():
        ids = ReportEvent.objects.filter(hall_id=instance.pk).values_list("exhibit_id", flat=True).distinct()
        report_events_refresh_placement(exhibit_ids=list(ids))


@receiver(post_save, sender=Exhibit, dispatch_uid="reports.exhibit_saved")
def exhibit_saved(sender: type[Exhibit], instance: Exhibit, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """An exhibit moved to another hall is reported under its new hall (and venue)."""
    if raw or created:
        return
    if ReportEvent.objects.filter(exhibit_id=instance.pk).exclude(hall_id=instance.hall_id).exists():
        report_events_refresh_placement(exhibit_ids=[instance.pk])
