"""Keep cached data honest: bump the venue's graph version when the walking graph changes, and its
catalogue version when a hall, an exhibit or an exhibit's tags change."""

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from exhibits.models import Exhibit, Hall, Passage, Tag
from exhibits.services import venue_catalogue_changed
from exhibits.walking import venue_graph_changed


@receiver(post_save, sender=Exhibit, dispatch_uid="exhibits.exhibit_saved")
def exhibit_saved(sender: type[Exhibit], instance: Exhibit, **kwargs: Any) -> None:
    """Any edit changes the catalogue; a new exhibit, a moved one or one in another hall also the matrix."""
    previous = instance.saved_graph_fields or {}
    venue_catalogue_changed(hall_ids=[instance.hall_id, previous.get("hall_id")])
    if instance.graph_fields_changed():
        venue_graph_changed(hall_ids=[instance.hall_id, previous.get("hall_id")])
    instance.remember_graph_fields()


@receiver(post_save, sender=Hall, dispatch_uid="exhibits.hall_saved")
def hall_saved(sender: type[Hall], instance: Hall, **kwargs: Any) -> None:
    """A hall's names and floor are part of the catalogue; its step-free flag or venue decide which routes exist."""
    previous = instance.saved_graph_fields or {}
    venue_catalogue_changed(venue_ids=[instance.venue_id, previous.get("venue_id")])
    if instance.graph_fields_changed():
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
    """Removing a node or an edge changes the matrix (and its size); removing an exhibit the catalogue."""
    if isinstance(instance, Exhibit):
        venue_graph_changed(hall_ids=[instance.hall_id])
        venue_catalogue_changed(hall_ids=[instance.hall_id])
    else:
        venue_graph_changed(hall_ids=[instance.hall_a_id, instance.hall_b_id])


@receiver(post_delete, sender=Hall, dispatch_uid="exhibits.hall_deleted")
def hall_deleted(sender: type[Hall], instance: Hall, **kwargs: Any) -> None:
    """A deleted hall takes its passages with it."""
    venue_graph_changed(venue_ids=[instance.venue_id])
    venue_catalogue_changed(venue_ids=[instance.venue_id])


@receiver(m2m_changed, sender=Exhibit.tags.through, dispatch_uid="exhibits.exhibit_tags_changed")
def exhibit_tags_changed(
    sender: type[Any], instance: Exhibit | Tag, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """Tags feed the recommendations' diversity: adding, removing or clearing them changes the catalogue."""
    if reverse and isinstance(instance, Tag):
        # tag.exhibits.add/remove name the exhibits; a clear is seen before it empties the relation.
        if action in ("post_add", "post_remove"):
            venue_catalogue_changed(
                hall_ids=Exhibit.objects.filter(pk__in=pk_set or ()).values_list("hall_id", flat=True)
            )
        elif action == "pre_clear":
            venue_catalogue_changed(hall_ids=instance.exhibits.values_list("hall_id", flat=True))
    elif isinstance(instance, Exhibit) and action in ("post_add", "post_remove", "post_clear"):
        venue_catalogue_changed(hall_ids=[instance.hall_id])


@receiver(pre_delete, sender=Tag, dispatch_uid="exhibits.tag_deleted")
def tag_deleted(sender: type[Tag], instance: Tag, **kwargs: Any) -> None:
    """Deleting a tag removes it from its exhibits without an m2m signal."""
    venue_catalogue_changed(hall_ids=instance.exhibits.values_list("hall_id", flat=True))
