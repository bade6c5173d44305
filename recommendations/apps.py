"""App config for exhibit emotion profiles, next-exhibit recommendations and route planning."""

from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    """Emotion profiles, recommendations and routes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "recommendations"

    def ready(self) -> None:
        """Keep profiles current as events arrive; serve them (and the model's labels) to the catalogue."""
        from exhibits.extensions import register_emotion_labels_provider, register_exhibit_stats_provider
        from recommendations import receivers  # noqa: F401
        from recommendations.selectors import exhibit_profile_stats, labels_or_seen

        # Replaces the emotions app's raw event means (registered earlier in INSTALLED_APPS order):
        # the API shows the same smoothed profile the ranker uses.
        register_exhibit_stats_provider(exhibit_profile_stats)
        # The admin's prior form asks for one weight per label; with no loadable model, none is offered.
        register_emotion_labels_provider(labels_or_seen)
