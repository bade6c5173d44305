"""Personal data: consent history, retention of inactive visitors, and who may open individual rows in the admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone

from emotions import services
from emotions.models import Capture, ConsentRecord, EmotionEvent, PersonalDataAccess, Visitor
from emotions.selectors import visitor_export
from emotions.tasks import erase_inactive_visitors_task
from tests.emotions.factories import CaptureFactory, EmotionEventFactory, VisitorFactory

pytestmark = pytest.mark.django_db


def test_every_grant_and_withdrawal_is_kept_in_order_with_the_notice_version(settings: Any) -> None:
    settings.PRIVACY_NOTICE_VERSION = "2026-06-01"
    visitor = services.visitor_create(consent_emotion_analysis=True).visitor
    services.visitor_update(visitor=visitor, consent_emotion_analysis=False)
    withdrawn_at = Visitor.objects.get(pk=visitor.pk).consent_withdrawn_at
    settings.PRIVACY_NOTICE_VERSION = "2026-12-01"
    services.visitor_update(visitor=visitor, consent_emotion_analysis=True)
    services.visitor_update(visitor=visitor, consent_emotion_analysis=True)  # no change, no record

    history = list(ConsentRecord.objects.filter(visitor=visitor).values_list("action", "notice_version", "created_at"))

    assert [(action, version) for action, version, _ in history] == [
        ("granted", "2026-06-01"),
        ("withdrawn", "2026-06-01"),
        ("granted", "2026-12-01"),
    ]
    # Granting again no longer hides when consent was withdrawn.
    assert history[1][2] == withdrawn_at
    assert Visitor.objects.get(pk=visitor.pk).consent_withdrawn_at is None


def test_the_consent_history_is_in_the_export_append_only_and_erased_with_the_visitor() -> None:
    visitor = services.visitor_create(consent_emotion_analysis=True).visitor
    services.visitor_update(visitor=visitor, consent_emotion_analysis=False)

    exported = visitor_export(visitor=visitor)["consent_history"]
    record = ConsentRecord.objects.filter(visitor=visitor).first()
    assert record is not None
    record.action = "granted"
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    services.visitor_erase(visitor=visitor)

    assert [entry["action"] for entry in exported] == ["granted", "withdrawn"]
    assert ConsentRecord.objects.count() == 0


def _age(visitor: Visitor, days: int) -> None:
    then = timezone.now() - timedelta(days=days)
    Visitor.objects.filter(pk=visitor.pk).update(created_at=then, updated_at=then)
    Capture.objects.filter(visitor=visitor).update(created_at=then)


def test_visitors_inactive_for_the_retention_period_are_erased_with_everything_of_theirs(
    settings: Any, run_on_commit: Callable[..., Any]
) -> None:
    settings.VISITOR_RETENTION_DAYS = 30
    gone = VisitorFactory.create()
    EmotionEventFactory.create(capture__visitor=gone, visitor=gone)
    services.visitor_update(visitor=gone, consent_emotion_analysis=False)
    _age(gone, 31)
    recent_selfie = VisitorFactory.create()
    _age(recent_selfie, 40)
    CaptureFactory.create(visitor=recent_selfie)  # a selfie today keeps an old visitor
    recently_changed = VisitorFactory.create()
    _age(recently_changed, 29)

    erased = run_on_commit(erase_inactive_visitors_task)

    assert erased == 1
    assert set(Visitor.objects.values_list("pk", flat=True)) == {recent_selfie.pk, recently_changed.pk}
    assert not EmotionEvent.objects.filter(visitor_id=gone.pk).exists()
    assert not Capture.objects.filter(visitor_id=gone.pk).exists()
    assert not ConsentRecord.objects.filter(visitor_id=gone.pk).exists()


PERSONAL_MODELS = ("emotionevent", "capture", "visitor")


def _urls(event: EmotionEvent) -> list[str]:
    return [
        "/admin/emotions/emotionevent/",
        f"/admin/emotions/emotionevent/{event.pk}/change/",
        "/admin/emotions/capture/",
        f"/admin/emotions/capture/{event.capture_id}/change/",
        "/admin/emotions/visitor/",
        f"/admin/emotions/visitor/{event.visitor_id}/change/",
    ]


def test_staff_without_superuser_rights_cannot_list_or_open_events_captures_or_visitors(client: Client) -> None:
    staff = User.objects.create_user("curator", password="pw", is_staff=True)
    # Even every model permission of the app does not open personal rows.
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="emotions"))
    client.force_login(staff)
    event = EmotionEventFactory.create()

    responses = {url: client.get(url) for url in _urls(event)}
    index = client.get("/admin/").content.decode()

    assert {url: r.status_code for url, r in responses.items()} == {url: 403 for url in _urls(event)}
    assert all(f"/admin/emotions/{model}/" not in index for model in PERSONAL_MODELS)
    assert PersonalDataAccess.objects.count() == 0


def test_a_superusers_every_view_of_personal_rows_is_written_to_the_audit_log(client: Client) -> None:
    admin_user = User.objects.create_superuser("support", "support@example.org", "pw")
    client.force_login(admin_user)
    event = EmotionEventFactory.create()

    statuses = [client.get(url).status_code for url in _urls(event)]
    client.get("/admin/emotions/personaldataaccess/")  # reading the log is not itself logged

    assert statuses == [200] * 6
    entries = list(PersonalDataAccess.objects.order_by("created_at", "id").values_list("user", "model", "object_id"))
    assert entries == [
        (admin_user.pk, "emotionevent", ""),
        (admin_user.pk, "emotionevent", str(event.pk)),
        (admin_user.pk, "capture", ""),
        (admin_user.pk, "capture", str(event.capture_id)),
        (admin_user.pk, "visitor", ""),
        (admin_user.pk, "visitor", str(event.visitor_id)),
    ]
