"""The Celery application shared by the web, worker and beat processes."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_guide.settings")

app = Celery("museum_guide")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
