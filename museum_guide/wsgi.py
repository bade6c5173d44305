"""WSGI entry point (gunicorn museum_guide.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from museum_guide.startup import freeze_loaded_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_guide.settings")

application = get_wsgi_application()
freeze_loaded_heap()
