"""App config for exhibit emotion profiles, next-exhibit recommendations and route planning."""

from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    """Emotion profiles, recommendations and routes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "recommendations"

    def ready(self) -> None:
        """Keep profiles current as events arrive and serve them as the exhibits' emotion statistics."""
        from exhibits.extensions import register_exhibit_stats_provider
        from recommendations import receivers  # noqa: F401
        from recommendations.selectors import exhibit_profile_stats

        # Replaces the emotions app's raw event means (registered earlier in INSTALLED_APPS order):
        # the API shows the same smoothed profile the ranker uses.
        register_exhibit_stats_provider(exhibit_profile_stats)
