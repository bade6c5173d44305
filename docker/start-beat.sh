#!/bin/sh
# Beat role: periodic jobs (re-enqueueing stuck captures). Run exactly one.
set -eu
exec celery -A museum_guide beat --loglevel "${LOG_LEVEL:-INFO}" --schedule /tmp/celerybeat-schedule
