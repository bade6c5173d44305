"""Selfies and periodic jobs travel on separate queues, so neither can hold up the other."""

import pytest

from museum_guide.celery import app


def _queue(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return str(route["queue"].name)


def test_selfies_go_to_their_own_queue() -> None:
    assert _queue("emotions.tasks.classify_capture_task") == "selfies"


@pytest.mark.parametrize(
    "task_name",
    [
        "emotions.tasks.requeue_stuck_captures_task",
        "emotions.tasks.purge_capture_images_task",
        "emotions.tasks.erase_inactive_visitors_task",
    ],
)
def test_periodic_jobs_go_to_the_maintenance_queue(task_name: str) -> None:
    assert _queue(task_name) == "maintenance"


def test_every_periodic_job_is_routed_to_the_maintenance_queue() -> None:
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}

    assert {task: _queue(task) for task in scheduled} == dict.fromkeys(scheduled, "maintenance")
