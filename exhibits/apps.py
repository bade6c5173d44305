"""App config for the venue/exhibit catalogue."""

from django.apps import AppConfig


class ExhibitsConfig(AppConfig):
    """Venues, halls, exhibits and the walking graph."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "exhibits"

    def ready(self) -> None:
        """Connect the signals that invalidate cached walking matrices."""
        from exhibits import signals  # noqa: F401
