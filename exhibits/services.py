"""Catalogue writes shared by the admin and any future staff API."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from exhibits.models import Exhibit


@transaction.atomic
def exhibits_set_active(*, exhibits: QuerySet[Exhibit], is_active: bool) -> int:
    """Put exhibits on display or take them off; returns how many rows changed.

    Activity is not part of the walking graph (matrices cover every exhibit), so no cache is invalidated.
    """
    return exhibits.exclude(is_active=is_active).update(is_active=is_active, updated_at=timezone.now())
