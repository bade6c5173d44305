"""App config for the visitor web app served at /visit/."""

from django.apps import AppConfig


class VisitConfig(AppConfig):
    """The mobile page visitors open from an exhibit's QR code; it drives the public API v1."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "visit"
    verbose_name = "Visitor web app"
