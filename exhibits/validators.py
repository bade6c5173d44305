"""Validators for catalogue fields: IANA time zones, language codes, translations, emotion priors."""

import math
import zoneinfo
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def language_codes() -> frozenset[str]:
    """The language codes the product supports (settings.LANGUAGES)."""
    return frozenset(code for code, _name in settings.LANGUAGES)


def validate_time_zone(value: str) -> None:
    """Reject anything that is not an IANA time zone name such as `Europe/Moscow`."""
    if value not in _time_zones():
        raise ValidationError(
            "%(value)s is not an IANA time zone name.", code="invalid_time_zone", params={"value": value}
        )


def validate_translations(value: Any, *, fields: frozenset[str]) -> None:
    """Check a `{"<lang>": {"<field>": "<text>"}}` mapping against the supported languages and fields."""
    if not isinstance(value, dict):
        raise ValidationError("Translations must be an object keyed by language code.", code="invalid_translations")
    for language, texts in value.items():
        if language not in language_codes():
            raise ValidationError(
                "Unsupported language %(language)s.", code="invalid_translations", params={"language": language}
            )
        if not isinstance(texts, dict):
            raise ValidationError(
                "Translations for %(language)s must be an object of texts.",
                code="invalid_translations",
                params={"language": language},
            )
        for field, text in texts.items():
            if field not in fields:
                raise ValidationError(
                    "%(field)s cannot be translated (allowed: %(allowed)s).",
                    code="invalid_translations",
                    params={"field": field, "allowed": ", ".join(sorted(fields))},
                )
            if not isinstance(text, str):
                raise ValidationError(
                    "Translation %(language)s.%(field)s must be text.",
                    code="invalid_translations",
                    params={"language": language, "field": field},
                )


def validate_emotion_weights(value: Any) -> None:
    """Check a curators' prior `{label: weight}`: non-empty labels, finite non-negative numbers.

    The label set itself belongs to the emotion model's checkpoint, so it is not checked here.
    """
    if not isinstance(value, dict):
        raise ValidationError("Expected emotions must be an object {label: weight}.", code="invalid_emotions")
    for label, weight in value.items():
        if not isinstance(label, str) or not label.strip():
            raise ValidationError("Emotion labels must be non-empty text.", code="invalid_emotions")
        # bool is an int subclass; a curator typing `true` almost certainly meant something else.
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight) or weight < 0:
            raise ValidationError(
                "Weight of %(label)s must be a non-negative number, not %(weight)r.",
                code="invalid_emotions",
                params={"label": label, "weight": weight},
            )
