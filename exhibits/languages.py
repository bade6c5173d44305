"""Which language a reader wants: `?lang=` wins over `Accept-Language`; rows fall back to their base language."""

from django.http import HttpRequest

from exhibits.validators import language_codes


class UnsupportedLanguageError(ValueError):
    """`?lang=` names a language the product does not support."""


def normalize_language(code: str) -> str | None:
    """`ru-RU` -> `ru`; None when neither the full code nor its primary subtag is supported."""
    code = code.strip().lower().replace("_", "-")
    if code in language_codes():
        return code
    primary = code.split("-", 1)[0]
    return primary if primary in language_codes() else None


def parse_accept_language(header: str) -> list[str]:
    """Supported languages from an `Accept-Language` header, most preferred first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = normalize_language(tag) if tag and tag != "*" else None
        if language and quality > 0:
            weighted.append((-quality, position, language))
    ordered: list[str] = []
    for _q, _position, language in sorted(weighted):
        if language not in ordered:
            ordered.append(language)
    return ordered


def requested_languages(request: HttpRequest, *, strict: bool = True) -> list[str]:
    """The reader's languages, most preferred first (empty = each row's base language).

    With `strict`, an unsupported `?lang=` raises `UnsupportedLanguageError`; otherwise it is ignored.
    """
    explicit = request.GET.get("lang", "").strip()
    if explicit:
        language = normalize_language(explicit)
        if language:
            return [language]
        if strict:
            supported = ", ".join(sorted(language_codes()))
            raise UnsupportedLanguageError(f"Unsupported language {explicit!r}; supported: {supported}.")
    return parse_accept_language(request.headers.get("Accept-Language", ""))
