"""`manage.py export_emotion_model`: make sure the ONNX export of the active model exists and is current."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ml.export import ensure_export


class Command(BaseCommand):
    """Export EMOTION_MODEL_PATH to EMOTION_EXPORT_DIR/<version>/ unless a current export is there already."""

    help = "Export the active emotion model to ONNX (with its manifest) if the export is missing or stale."

    def handle(self, *args: Any, **options: Any) -> None:
        folder = ensure_export(settings.EMOTION_MODEL_PATH, settings.EMOTION_EXPORT_DIR, settings.FACE_DETECTOR_PATH)
        self.stdout.write(self.style.SUCCESS(f"Emotion model export is current: {folder}"))
