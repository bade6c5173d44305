"""App config for analyst reports: emotion analytics API, CSV export and the dashboard."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Emotion analytics for staff and analysts."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        """Keep the report rows current as events and the catalogue change."""
        from reports import receivers  # noqa: F401
