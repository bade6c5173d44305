"""App config for visitors, consent, captures and emotion events."""

from django.apps import AppConfig


class EmotionsConfig(AppConfig):
    """Visitors, consent, selfie captures and emotion events."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "emotions"

    def ready(self) -> None:
        """Register the model readiness probe and the exhibit statistics hook."""
        from emotions import schema  # noqa: F401  (registers the OpenAPI security scheme)
        from emotions.classifier import check_model_ready
        from emotions.selectors import exhibit_stats
        from exhibits.extensions import register_exhibit_stats_provider
        from museum_guide.health import READINESS_CHECKS

        READINESS_CHECKS["model"] = check_model_ready
        # exhibits never imports emotions: it asks this provider for n_events / emotion_profile.
        register_exhibit_stats_provider(exhibit_stats)
