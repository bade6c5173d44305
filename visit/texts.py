"""The UI texts of the visitor web app: one JSON dictionary per language, read by the template and the JS."""

import json
from functools import cache
from pathlib import Path
from typing import Any

TEXTS_DIR = Path(__file__).resolve().parent / "texts"
DEFAULT_UI_LANGUAGE = "en"


@cache
def ui_texts(language: str = DEFAULT_UI_LANGUAGE) -> dict[str, Any]:
    """The dictionary of `language` (sections `ui`, `emotions`, `expressions`, `errors`)."""
    with (TEXTS_DIR / f"{language}.json").open(encoding="utf-8") as file:
        texts: dict[str, Any] = json.load(file)
    return texts
