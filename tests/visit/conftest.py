"""Fixtures of the visitor app's browser tests: the phone, photos, and a real worker for end-to-end runs."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from PIL import Image
from pytest_django.fixtures import SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from emotions.classifier import clear_classifier_cache
from exhibits.walking import clear_walking_cache
from recommendations.selectors import clear_venue_cache
from tests.celery_worker import Worker, worker_database_url
from tests.emotions import images
from tests.visit.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE_HEIGHT,
    PHONE_WIDTH,
    SHIPPED_MODEL,
    STATUS_LOG_SCRIPT,
    TIMEOUT_MS,
    Phone,
    PhoneScreen,
    text_scale_script,
)


@pytest.fixture
def private_root(settings: SettingsWrapper, tmp_path: Path) -> Path:
    """The live server and the worker share this private media root (where selfies wait)."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMOTION_MODEL_PATH = SHIPPED_MODEL
    clear_classifier_cache()
    clear_walking_cache()
    clear_venue_cache()
    return tmp_path / "private"


@pytest.fixture
def worker(transactional_db: None, private_root: Path, tmp_path: Path) -> Iterator[Worker]:
    """A real `celery worker` process on the test database and REDIS_URL's db (flushed before and after)."""
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.flushdb()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=worker_database_url(),
        REDIS_URL=settings.REDIS_URL,
        EMOTION_MODEL_PATH=str(SHIPPED_MODEL),
        PRIVATE_MEDIA_ROOT=str(private_root),
        EMOTION_MODEL_NUM_THREADS="1",
        DJANGO_DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    process = Worker(env, tmp_path / "worker.log")
    process.start()
    yield process
    process.stop()
    broker.flushdb()
    broker.close()


@pytest.fixture
def photos(tmp_path: Path) -> dict[str, Path]:
    """A real portrait (the astronaut) and a faceless gradient, as JPEG files a phone would pick."""
    from skimage import data

    portrait = tmp_path / "astronaut.jpg"
    Image.fromarray(data.astronaut()).save(portrait, format="JPEG", quality=92)
    faceless = tmp_path / "wall.jpg"
    faceless.write_bytes(images.faceless_jpeg())
    return {"portrait": portrait, "faceless": faceless}


@pytest.fixture
def phone_locale() -> str:
    """The phone's language (its Accept-Language); a test module or parametrization may override it."""
    return "en-GB"


@pytest.fixture
def phone_screen() -> PhoneScreen:
    """The phone's screen: 390x844 at the default text size; a test may parametrize a narrow one, larger text."""
    return PhoneScreen(PHONE_WIDTH, PHONE_HEIGHT)


@pytest.fixture
def phone(live_server: LiveServer, phone_locale: str, phone_screen: PhoneScreen) -> Iterator[Phone]:
    """A fresh browser profile (empty localStorage) on a touch screen, 390x844 unless `phone_screen` says else."""
    from playwright.sync_api import ConsoleMessage, expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(
            viewport={"width": phone_screen.width, "height": phone_screen.height},
            is_mobile=True,
            has_touch=True,
            locale=phone_locale,
        )
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        context.add_init_script(STATUS_LOG_SCRIPT)
        if phone_screen.text_scale != 1:
            context.add_init_script(text_scale_script(phone_screen.text_scale))
        phone = Phone(context.new_page(), [])

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                phone.problems.append(message.text)

        phone.page.on("console", console)
        phone.page.on("pageerror", lambda error: phone.problems.append(str(error)))
        yield phone
        browser.close()
