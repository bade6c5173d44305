"""`manage.py rebuild_emotion_profiles [--exhibit ID ...]`: recompute profiles from all events."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from recommendations.services import profiles_rebuild


class Command(BaseCommand):
    """Recompute exhibit emotion profiles from the stored events (after bulk loads or deletes)."""

    help = "Recompute exhibit emotion profiles (running sums) from all stored emotion events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--exhibit", type=int, action="append", help="Only this exhibit id (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        count = profiles_rebuild(exhibit_ids=options["exhibit"])
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {count} exhibit emotion profiles."))
