#!/bin/sh
# Worker role: one Celery worker; scale out with more containers (compose --scale worker=N).
# CELERY_QUEUES: "selfies" (the default) or "maintenance" (the periodic jobs' own worker).
set -eu
exec celery -A museum_guide worker \
    --queues "${CELERY_QUEUES:-selfies}" \
    --loglevel "${LOG_LEVEL:-INFO}" \
    --concurrency "${CELERY_CONCURRENCY:-1}" \
    --max-tasks-per-child "${CELERY_MAX_TASKS_PER_CHILD:-1000}"
