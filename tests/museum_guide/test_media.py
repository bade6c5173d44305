"""Exhibit images are reachable in production mode too; private uploads never are."""

from pathlib import Path
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    (tmp_path / "media" / "exhibits").mkdir(parents=True)
    (tmp_path / "private" / "captures").mkdir(parents=True)
    (tmp_path / "media" / "exhibits" / "mammoth.jpg").write_bytes(b"\xff\xd8 a picture")
    (tmp_path / "private" / "captures" / "selfie.jpg").write_bytes(b"\xff\xd8 a face")
    return tmp_path


def test_an_exhibit_image_is_served_with_debug_off_and_may_be_cached(media: Path) -> None:
    response = Client().get("/media/exhibits/mammoth.jpg")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8 a picture"  # type: ignore[attr-defined]
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]


def test_a_missing_file_is_404(media: Path) -> None:
    assert Client().get("/media/exhibits/missing.jpg").status_code == 404


@pytest.mark.parametrize("path", ["/media/../private/captures/selfie.jpg", "/media/%2e%2e/private/captures/selfie.jpg"])
def test_a_path_out_of_the_media_folder_is_refused_and_never_reaches_a_selfie(media: Path, path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 400
    assert b"a face" not in response.content
