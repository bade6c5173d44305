"""The visitor web app's page: it renders, a QR deep link preselects its exhibit, every text is translatable."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from tests.exhibits.factories import ExhibitFactory, HallFactory
from visit.texts import ui_texts

VISIT = Path(settings.BASE_DIR) / "visit"
TEMPLATE = VISIT / "templates" / "visit" / "app.html"
SCRIPTS = sorted((VISIT / "static" / "visit").glob("*.js"))
HOOKS = (
    "consent",
    "emotion-choice",
    "exhibit-select",
    "selfie-input",
    "submit",
    "emotion-result",
    "recommendations",
    "route",
    "journey",
    "delete-data",
)
# Codes the app itself produces besides the API's (no connection, polling gave up, anything else).
CLIENT_CODES = {"network", "timeout", "generic", "no_face"}


def embedded_json(html: str, element_id: str) -> Any:
    """The content of a `json_script` element of the page."""
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, flags=re.S)
    assert match, f"no #{element_id} in the page"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_the_app_page_renders_every_step_with_its_test_hook(client: Client) -> None:
    response = client.get("/visit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    for hook in HOOKS:
        assert f'data-testid="{hook}"' in html, hook
    assert 'type="file"' in html and 'accept="image/*"' in html and 'capture="user"' in html
    assert 'aria-live="polite"' in html
    assert embedded_json(html, "visit-config") == {"api": "/api/v1/", "exhibit": None}
    assert embedded_json(html, "visit-texts") == ui_texts()


@pytest.mark.django_db
def test_a_qr_deep_link_preselects_its_exhibit(client: Client) -> None:
    exhibit = ExhibitFactory.create(slug="mammoth", title="Mammoth Skeleton", hall=HallFactory.create(name="Fossils"))
    html = client.get("/visit/e/mammoth").content.decode()
    assert embedded_json(html, "visit-config")["exhibit"] == {
        "id": exhibit.pk,
        "slug": "mammoth",
        "title": "Mammoth Skeleton",
        "hall": "Fossils",
    }
    for hook in HOOKS:
        assert f'data-testid="{hook}"' in html, hook


@pytest.mark.django_db
def test_the_qr_link_printed_on_an_exhibit_label_opens_this_page(client: Client) -> None:
    exhibit = ExhibitFactory.create(slug="mammoth")
    assert exhibit.public_url().endswith("/visit/e/mammoth")
    assert client.get("/visit/e/mammoth").status_code == 200


def test_every_ui_text_used_by_the_template_and_scripts_is_in_the_dictionary_and_none_is_unused() -> None:
    texts = ui_texts()["ui"]
    used = set(re.findall(r"\{\{\s*t\.(\w+)\s*\}\}", TEMPLATE.read_text()))
    for script in SCRIPTS:
        for call in re.findall(r"\bt\(([^()]*)", script.read_text()):
            used |= set(re.findall(r'"(\w+)"', call))
    assert used, "no texts found: did the t(...) convention change?"
    assert sorted(used - texts.keys()) == [], "texts used but missing from visit/texts/en.json"
    assert sorted(texts.keys() - used) == [], "texts in visit/texts/en.json that nothing uses"


def test_every_placeholder_of_a_text_is_a_plain_name() -> None:
    for key, text in ui_texts()["ui"].items():
        assert text.strip() == text and text, key
        assert re.fullmatch(r"([^{}]|\{\w+\})*", text), f"{key}: malformed placeholder in {text!r}"


def test_the_template_has_no_hard_coded_english_outside_the_dictionary() -> None:
    # Text nodes between tags must be template expressions or whitespace only.
    html = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", TEMPLATE.read_text(), flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    words = [text.strip() for text in re.findall(r">([^<]+)<", html) if text.strip() not in {"", "·", ","}]
    assert words == []
    attributes = re.findall(r'(?:aria-label|alt|placeholder|title)="([^"{]+)"', html)
    assert attributes == []


def _api_error_codes() -> set[str]:
    """Every error code the API can answer with or store on a failed capture (read from the sources)."""
    codes: set[str] = set()
    base = Path(settings.BASE_DIR)
    sources = [*(base / "emotions").glob("*.py"), *(base / "recommendations").glob("*.py")]
    sources += [base / "museum_guide" / name for name in ("api_errors.py", "pagination.py", "middleware.py")]
    for source in sources:
        text = source.read_text()
        codes |= set(re.findall(r'ApiError\(\s*"(\w+)"', text))
        codes |= set(re.findall(r'error_code="(\w+)"', text))
        codes |= set(re.findall(r'\bcode="(\w+)"', text))
    codes |= {"not_authenticated", "authentication_failed", "invalid_input", "not_found", "throttled"}
    return codes


def test_every_error_the_api_can_return_has_a_plain_language_message() -> None:
    errors = ui_texts()["errors"]
    codes = _api_error_codes() | CLIENT_CODES
    assert {"no_face", "corrupt_image", "consent_required", "model_unavailable"} <= codes
    assert sorted(codes - errors.keys()) == []


def test_every_label_of_the_active_model_has_a_name_and_an_expression_phrase() -> None:
    from emotions.classifier import active_labels

    texts = ui_texts()
    for label in active_labels():
        assert texts["emotions"].get(label), label
        # Sentences read "The camera saw {expression} expression", so the phrase carries its article.
        assert re.fullmatch(r"(a|an) \w+", texts["expressions"].get(label, "")), label


def test_the_expression_texts_speak_of_what_the_camera_saw_not_what_anyone_felt() -> None:
    texts = ui_texts()["ui"]
    assert texts["result_line"].startswith("The camera saw ")
    assert "expression" in texts["expressed_note"] and "not" in texts["expressed_note"]


def test_the_page_loads_nothing_from_other_hosts_and_its_static_files_exist() -> None:
    for name in ("visit/app.js", "visit/api.js", "visit/texts.js", "visit/app.css"):
        assert finders.find(name), name
    for path in [TEMPLATE, *SCRIPTS, VISIT / "static" / "visit" / "app.css"]:
        assert not re.search(r"(src|href|import|url)\W+(https?:)?//", path.read_text()), path
