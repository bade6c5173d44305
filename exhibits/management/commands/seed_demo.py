"""`manage.py seed_demo`: create or refresh the demo venue (safe to run any number of times)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from exhibits.demo import demo_venue_seed


class Command(BaseCommand):
    help = "Create or update the demo venue (10 halls on 2 floors, 47 exhibits, English and Russian texts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-images", action="store_true", help="Skip generating exhibit images.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_venue_seed(with_images=not options["no_images"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo venue {result.venue.slug!r}: {result.halls} halls, {result.exhibits} exhibits, "
                f"{result.passages} passages, {result.images_written} new image(s)."
            )
        )
