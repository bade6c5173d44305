"""Which language a page of the visitor app is in: an explicit choice first, then the browser's wishes."""

from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_vary_headers

from exhibits.languages import normalize_language, parse_accept_language
from visit.texts import DEFAULT_UI_LANGUAGE, language_name, ui_languages, ui_texts

Response = TypeVar("Response", bound=HttpResponseBase)

# The visitor's choice from the app's language switcher. The JS writes it (and sends it to the API as the
# visitor's language); the server reads it so that the first paint is already in that language.
LANGUAGE_COOKIE = "museum_guide_language"
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600

Source = Literal["query", "cookie", "browser", "default"]


@dataclass(frozen=True)
class PageLanguage:
    """The UI language of a page and where it came from (`query` and `cookie` are the visitor's choice)."""

    code: str
    source: Source

    @property
    def chosen(self) -> bool:
        """Whether the visitor picked it (it then wins over the language stored on their visitor record)."""
        return self.source in ("query", "cookie")


def _spoken(code: str | None) -> str | None:
    normalized = normalize_language(code) if code else None
    return normalized if normalized in ui_languages() else None


def page_language(request: HttpRequest) -> PageLanguage:
    """`?lang=` (a link of the switcher), then the cookie, then Accept-Language, then English."""
    explicit = _spoken(request.GET.get("lang"))
    if explicit:
        return PageLanguage(explicit, "query")
    remembered = _spoken(request.COOKIES.get(LANGUAGE_COOKIE))
    if remembered:
        return PageLanguage(remembered, "cookie")
    for code in parse_accept_language(request.headers.get("Accept-Language", "")):
        if code in ui_languages():
            return PageLanguage(code, "browser")
    return PageLanguage(DEFAULT_UI_LANGUAGE, "default")


def page_context(language: PageLanguage) -> dict[str, Any]:
    """What every page of the app needs: its language, its texts and the language switcher."""
    texts = ui_texts(language.code)
    return {
        "ui_language": language.code,
        "t": texts["ui"],
        "texts": texts,
        "languages": [{"code": code, "name": language_name(code)} for code in ui_languages()],
    }


def finish_page(request: HttpRequest, response: Response, language: PageLanguage) -> Response:
    """Say the page's language, remember a choice made by link, and tell caches what the page depends on."""
    response["Content-Language"] = language.code
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    if language.source == "query":
        response.set_cookie(
            LANGUAGE_COOKIE,
            language.code,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
