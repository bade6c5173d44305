"""Keep cached walking matrices honest: bump the venue's graph version when the graph changes."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from exhibits.models import Exhibit, Hall, Passage
from exhibits.walking import venue_graph_changed


@receiver(post_save, sender=Exhibit, dispatch_uid="exhibits.exhibit_saved")
def exhibit_saved(sender: type[Exhibit], instance: Exhibit, **kwargs: Any) -> None:
    """A new exhibit, a moved one or one in another hall changes the venue's matrix."""
    if instance.graph_fields_changed():
        previous = instance.saved_graph_fields or {}
        venue_graph_changed(hall_ids=[instance.hall_id, previous.get("hall_id")])
    instance.remember_graph_fields()


@receiver(post_save, sender=Hall, dispatch_uid="exhibits.hall_saved")
def hall_saved(sender: type[Hall], instance: Hall, **kwargs: Any) -> None:
    """A hall's step-free flag or venue decides which routes exist."""
    if instance.graph_fields_changed():
        previous = instance.saved_graph_fields or {}
        venue_graph_changed(venue_ids=[instance.venue_id, previous.get("venue_id")])
    instance.remember_graph_fields()


@receiver(post_save, sender=Passage, dispatch_uid="exhibits.passage_saved")
def passage_saved(sender: type[Passage], instance: Passage, **kwargs: Any) -> None:
    """A new or edited passage changes the routes between its halls."""
    if instance.graph_fields_changed():
        previous = instance.saved_graph_fields or {}
        venue_graph_changed(
            hall_ids=[instance.hall_a_id, instance.hall_b_id, previous.get("hall_a_id"), previous.get("hall_b_id")]
        )
    instance.remember_graph_fields()


@receiver(post_delete, sender=Exhibit, dispatch_uid="exhibits.exhibit_deleted")
@receiver(post_delete, sender=Passage, dispatch_uid="exhibits.passage_deleted")
def exhibit_or_passage_deleted(sender: type[Exhibit | Passage], instance: Exhibit | Passage, **kwargs: Any) -> None:
    """Removing a node or an edge changes the matrix (and its size)."""
    if isinstance(instance, Exhibit):
        venue_graph_changed(hall_ids=[instance.hall_id])
    else:
        venue_graph_changed(hall_ids=[instance.hall_a_id, instance.hall_b_id])


@receiver(post_delete, sender=Hall, dispatch_uid="exhibits.hall_deleted")
def hall_deleted(sender: type[Hall], instance: Hall, **kwargs: Any) -> None:
    """A deleted hall takes its passages with it."""
    venue_graph_changed(venue_ids=[instance.venue_id])
