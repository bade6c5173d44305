"""Catalogue writes shared by the admin and any future staff API."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from exhibits.models import Exhibit, Venue


def venue_catalogue_changed(*, venue_ids: Iterable[int | None] = (), hall_ids: Iterable[int | None] = ()) -> None:
    """Bump `Venue.catalogue_version` of the given venues (and of the venues of the given halls).

    Caches of data derived from a venue's halls and exhibits (the recommendations' ranking inputs) key
    on it. Signals in `exhibits.signals` call this for saves and deletes; code that changes halls or
    exhibits with `QuerySet.update()` (which sends no signals) must call it itself.
    """
    venue_set = {pk for pk in venue_ids if pk is not None}
    hall_set = {pk for pk in hall_ids if pk is not None}
    if venue_set or hall_set:
        # An SQL increment, so concurrent bumps never collapse into one.
        Venue.objects.filter(Q(pk__in=venue_set) | Q(halls__in=hall_set)).update(
            catalogue_version=F("catalogue_version") + 1
        )


@transaction.atomic
def exhibits_set_active(*, exhibits: QuerySet[Exhibit], is_active: bool) -> int:
    """Put exhibits on display or take them off; returns how many rows changed.

    Activity is not part of the walking graph (matrices cover every exhibit), so only the catalogue
    version of the venues concerned moves.
    """
    changed = exhibits.exclude(is_active=is_active)
    hall_ids = set(changed.values_list("hall_id", flat=True))
    count = changed.update(is_active=is_active, updated_at=timezone.now())
    venue_catalogue_changed(hall_ids=hall_ids)
    return count
