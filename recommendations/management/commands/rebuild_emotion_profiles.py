"""`manage.py rebuild_emotion_profiles [--exhibit ID ...]`: publish the profile snapshots that are due."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from recommendations.services import profiles_publish


class Command(BaseCommand):
    """Publish due exhibit profile snapshots from the stored events (after bulk loads that send no signals)."""

    help = (
        "Publish a new emotion profile snapshot for every exhibit where at least REPORT_MIN_GROUP_SIZE new "
        "distinct visitors contributed since the last one; other snapshots stay as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--exhibit", type=int, action="append", help="Only this exhibit id (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        count = profiles_publish(exhibit_ids=options["exhibit"])
        self.stdout.write(self.style.SUCCESS(f"Published {count} exhibit emotion profile snapshot(s)."))
