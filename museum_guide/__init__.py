"""museum_guide project package; loads the Celery app with Django."""

from museum_guide.celery import app as celery_app

__all__ = ("celery_app",)
