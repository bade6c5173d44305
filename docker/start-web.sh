#!/bin/sh
# Web role: apply migrations, then hand the process over to gunicorn.
set -eu
python manage.py migrate --noinput
# The ONNX export web and workers run (and phones download), made once per model version.
python manage.py export_emotion_model
if [ "${SEED_DEMO:-0}" = "1" ]; then python manage.py seed_demo; fi
exec gunicorn museum_guide.wsgi:application \
    --bind 0.0.0.0:8000 \
    --workers "${WEB_CONCURRENCY:-2}" \
    --timeout "${GUNICORN_TIMEOUT:-30}" \
    --access-logfile -
