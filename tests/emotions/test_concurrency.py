"""Two runs of one capture at the same time (requeue + redelivered message) store one event."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from emotions import services
from emotions.models import CaptureStatus, EmotionEvent
from emotions.storage import private_storage
from tests.emotions import images
from tests.emotions.factories import CaptureFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_workers_racing_on_one_capture_store_exactly_one_event(
    private_files: Callable[[], list[Path]], labels: tuple[str, ...]
) -> None:
    # `labels` loaded the model already, so both threads race on the database, not on loading.
    name = private_storage.save("captures/race.jpg", ContentFile(images.portrait_jpeg()))
    capture = CaptureFactory.create(image=name)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> Any:
        try:
            start.wait()
            services.capture_classify(capture_id=capture.pk)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    capture.refresh_from_db()
    assert capture.status == CaptureStatus.DONE
    assert capture.attempts in {1, 2}  # the second run may start after the first finished
    assert EmotionEvent.objects.filter(capture=capture).count() == 1
    assert private_files() == []
