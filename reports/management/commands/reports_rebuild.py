"""`manage.py reports_rebuild [--exhibit ID ...]`: recompute report rows from the emotion events."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from reports.services import report_events_rebuild


class Command(BaseCommand):
    help = "Recompute the report rows from the emotion events (after bulk loads that sent no signals)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--exhibit", type=int, action="append", help="Only this exhibit (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        written = report_events_rebuild(exhibit_ids=options["exhibit"])
        self.stdout.write(self.style.SUCCESS(f"{written} report rows written."))
