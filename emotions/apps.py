"""App config for visitors, consent, captures and emotion events."""

from django.apps import AppConfig


class EmotionsConfig(AppConfig):
    """Visitors, consent, selfie captures and emotion events."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "emotions"

    def ready(self) -> None:
        """Register the model readiness probe (exhibit statistics are the recommendations app's snapshots)."""
        from emotions import schema  # noqa: F401  (registers the OpenAPI security scheme)
        from emotions.classifier import check_model_ready
        from museum_guide.health import READINESS_CHECKS

        READINESS_CHECKS["model"] = check_model_ready
