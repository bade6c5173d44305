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
from visit.texts import ui_languages, ui_texts
from visit.views import WISHABLE_EMOTIONS

VISIT = Path(settings.BASE_DIR) / "visit"
TEMPLATE = VISIT / "templates" / "visit" / "app.html"
TEMPLATES = sorted((VISIT / "templates" / "visit").glob("*.html"))
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
    assert embedded_json(html, "visit-config") == {
        "api": "/api/v1/",
        "exhibit": None,
        "language": "en",
        "language_chosen": False,
        "languages": ["en", "ru"],
        "wishes": ["happy", "surprise", "neutral"],
        "poll_timeout_ms": 120_000,  # VISIT_POLL_TIMEOUT_SECONDS
    }
    assert embedded_json(html, "visit-texts") == ui_texts()


@pytest.mark.django_db
def test_the_page_speaks_the_browsers_language_until_the_visitor_chooses_one(client: Client) -> None:
    russian = client.get("/visit/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    html = russian.content.decode()
    assert '<html lang="ru">' in html and russian["Content-Language"] == "ru"
    assert embedded_json(html, "visit-texts") == ui_texts("ru")
    assert not embedded_json(html, "visit-config")["language_chosen"]
    assert "Accept-Language" in russian["Vary"] and "Cookie" in russian["Vary"]
    # German has no texts of the app yet: the next language the browser accepts.
    assert '<html lang="ru">' in client.get("/visit/", HTTP_ACCEPT_LANGUAGE="de, ru;q=0.8").content.decode()

    # A link of the language switcher renders that language and remembers it for the next pages.
    chosen = client.get("/visit/?lang=en", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="en">' in chosen.content.decode()
    assert chosen.cookies["museum_guide_language"].value == "en"
    later = client.get("/visit/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="en">' in later and embedded_json(later, "visit-config")["language_chosen"]


@pytest.mark.django_db
def test_the_language_switcher_offers_every_language_with_texts_in_its_own_name(client: Client) -> None:
    html = client.get("/visit/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    switcher = re.search(r'<nav class="switch"[^>]*>(.*?)</nav>', html, flags=re.S)
    assert switcher, "no language switcher in the header"
    links = re.findall(r'<a href="\?lang=(\w+)"[^>]*>([^<]+)</a>', switcher.group(1))
    assert links == [("en", "English"), ("ru", "Русский")]
    assert re.search(r'data-language="ru" aria-current="true"', switcher.group(1))


@pytest.mark.django_db
def test_a_qr_deep_link_preselects_its_exhibit(client: Client) -> None:
    exhibit = ExhibitFactory.create(slug="mammoth", title="Mammoth Skeleton", hall=HallFactory.create(name="Fossils"))
    html = client.get("/visit/e/mammoth").content.decode()
    assert embedded_json(html, "visit-config")["exhibit"] == {
        "id": exhibit.pk,
        "slug": "mammoth",
        "title": "Mammoth Skeleton",
        "hall": "Fossils",
        "language": "en",
    }
    for hook in HOOKS:
        assert f'data-testid="{hook}"' in html, hook


@pytest.mark.django_db
def test_the_qr_link_printed_on_an_exhibit_label_opens_this_page(client: Client) -> None:
    exhibit = ExhibitFactory.create(slug="mammoth")
    assert exhibit.public_url().endswith("/visit/e/mammoth")
    assert client.get("/visit/e/mammoth").status_code == 200


def test_every_ui_text_used_by_the_templates_and_scripts_is_in_the_dictionary_and_none_is_unused() -> None:
    texts = ui_texts()["ui"]
    used: set[str] = set()
    for template in TEMPLATES:
        used |= set(re.findall(r"\{\{\s*t\.(\w+)\s*\}\}", template.read_text()))
    for script in SCRIPTS:
        for call in re.findall(r"\bt\(([^()]*)", script.read_text()):
            used |= set(re.findall(r'"(\w+)"', call))
    assert used, "no texts found: did the t(...) convention change?"
    assert sorted(used - texts.keys()) == [], "texts used but missing from visit/texts/en.json"
    assert sorted(texts.keys() - used) == [], "texts in visit/texts/en.json that nothing uses"


def test_every_placeholder_of_a_text_is_a_plain_name() -> None:
    for language in ui_languages():
        for key, text in ui_texts(language)["ui"].items():
            assert text.strip() == text and text, (language, key)
            assert re.fullmatch(r"([^{}]|\{\w+\})*", text), f"{language} {key}: malformed placeholder in {text!r}"


def test_every_language_has_every_text_with_the_same_placeholders() -> None:
    english = ui_texts("en")
    assert "ru" in ui_languages()
    for language in ui_languages():
        texts = ui_texts(language)
        assert texts.keys() == english.keys(), language
        for section, entries in english.items():
            assert texts[section].keys() == entries.keys(), (language, section)
            for key, text in entries.items():
                placeholders = sorted(re.findall(r"\{(\w+)\}", text))
                assert sorted(re.findall(r"\{(\w+)\}", texts[section][key])) == placeholders, (language, key)
                if language != "en" and section != "expressions" and key not in {"score_item"}:
                    assert texts[section][key] != text, f"{language} {section}.{key} is still English"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_the_templates_have_no_hard_coded_english_outside_the_dictionary(template: Path) -> None:
    # Text nodes between tags must be template expressions or whitespace only.
    html = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", "", template.read_text(), flags=re.S)
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


@pytest.mark.parametrize("language", ui_languages())
def test_every_error_the_api_can_return_has_a_plain_language_message(language: str) -> None:
    errors = ui_texts(language)["errors"]
    codes = _api_error_codes() | CLIENT_CODES
    assert {"no_face", "corrupt_image", "consent_required", "model_unavailable"} <= codes
    assert sorted(codes - errors.keys()) == []


@pytest.mark.parametrize("language", ui_languages())
def test_every_label_of_the_active_model_has_a_name_and_an_expression_phrase(language: str) -> None:
    from emotions.classifier import active_labels

    texts = ui_texts(language)
    for label in active_labels():
        assert texts["emotions"].get(label), label
        assert texts["expressions"].get(label), label
    if language == "en":  # "The camera saw {expression} expression": the phrase carries its article
        assert all(re.fullmatch(r"(a|an) \w+", texts["expressions"][label]) for label in active_labels())


def test_the_wishes_on_offer_are_labels_of_the_model_that_a_museum_sets_out_to_evoke() -> None:
    from emotions.classifier import active_labels

    assert set(WISHABLE_EMOTIONS) <= set(active_labels())
    assert not {"angry", "disgust", "fear", "sad"} & set(WISHABLE_EMOTIONS)
    for language in ui_languages():
        assert set(ui_texts(language)["wishes"]) == set(WISHABLE_EMOTIONS), language


def test_neutral_has_one_name_in_each_language_wherever_the_guide_shows_it() -> None:
    from recommendations.ranking import EXPRESSION_ADJECTIVES, EXPRESSION_ADJECTIVES_RU

    english, russian = ui_texts("en"), ui_texts("ru")
    assert english["emotions"]["neutral"] == "Neutral" and english["expressions"]["neutral"] == "a neutral"
    assert EXPRESSION_ADJECTIVES["neutral"] == "neutral"  # reasons: "Most visitors looked neutral here."
    assert russian["emotions"]["neutral"] == "Спокойствие" and russian["expressions"]["neutral"] == "спокойное"
    assert EXPRESSION_ADJECTIVES_RU["neutral"] == "спокойными"


def test_the_expression_texts_speak_of_what_the_camera_saw_not_what_anyone_felt() -> None:
    texts = ui_texts()["ui"]
    assert texts["result_line"].startswith("The camera saw ")
    assert "expression" in texts["expressed_note"] and "not" in texts["expressed_note"]


def test_the_page_loads_nothing_from_other_hosts_and_its_static_files_exist() -> None:
    for name in ("app.js", "api.js", "texts.js", "dom.js", "history.js", "language.js", "result.js", "journey.js"):
        assert finders.find(f"visit/{name}"), name
    assert finders.find("visit/app.css")
    for path in [*TEMPLATES, *SCRIPTS, VISIT / "static" / "visit" / "app.css"]:
        assert not re.search(r"(src|href|import|url)\W+(https?:)?//", path.read_text()), path
