"""`manage.py reports_demo_events`: synthetic emotion events on the active exhibits, for demos."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from emotions.services import model_labels
from reports.demo import demo_events_create


class Command(BaseCommand):
    help = "Create synthetic visitors and emotion events (demo data only) and rebuild the report rows."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--visitors", type=int, default=300)
        parser.add_argument("--days", type=int, default=28)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_events_create(
            labels=model_labels(), visitors=options["visitors"], days=options["days"], seed=options["seed"]
        )
        self.stdout.write(self.style.SUCCESS(f"{created} synthetic emotion events created."))
