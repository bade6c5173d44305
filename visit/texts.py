"""The UI texts of the visitor web app: one JSON dictionary per language, read by the template and the JS.

A language the app speaks is a language of settings.LANGUAGES with a `texts/<code>.json` file: adding
one is that file (plus the catalogue's translations), nothing else.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

TEXTS_DIR = Path(__file__).resolve().parent / "texts"
DEFAULT_UI_LANGUAGE = "en"


@cache
def ui_texts(language: str = DEFAULT_UI_LANGUAGE) -> dict[str, Any]:
    """The dictionary of `language` (sections `ui`, `emotions`, `expressions`, `errors`, `pages`)."""
    with (TEXTS_DIR / f"{language}.json").open(encoding="utf-8") as file:
        texts: dict[str, Any] = json.load(file)
    return texts


@cache
def ui_languages() -> tuple[str, ...]:
    """The languages the app speaks, in the order of settings.LANGUAGES (the default one first)."""
    codes = [code for code, _name in settings.LANGUAGES if (TEXTS_DIR / f"{code}.json").is_file()]
    return (DEFAULT_UI_LANGUAGE, *(code for code in codes if code != DEFAULT_UI_LANGUAGE))


def language_name(code: str) -> str:
    """A language's name in that language ("Русский"), as settings.LANGUAGES spells it."""
    return dict(settings.LANGUAGES).get(code, code)
