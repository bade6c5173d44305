"""Admin form fields for the catalogue's JSON columns: one input per emotion label, per language and text.

Staff never type JSON. Each field reads the stored JSON into inputs named `<field>__<part>` and writes
the same JSON back (empty inputs are left out), so a form saved unchanged stores what it loaded. Bad
input is a form error on the field, naming the input it came from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from exhibits.extensions import emotion_labels

SEPARATOR = "__"


def _posted(data: Mapping[str, Any], name: str) -> dict[str, str]:
    """Inputs of one widget from the posted form: `<name>__<part>` -> {part: text}, in form order."""
    prefix = f"{name}{SEPARATOR}"
    return {key[len(prefix) :]: str(data.get(key, "")) for key in data if key.startswith(prefix)}


class EmotionWeightsWidget(forms.Widget):
    """A number input per emotion label: the active model's labels, then any other label already stored."""

    def __init__(self, labels: Callable[[], Sequence[str]] = emotion_labels, attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.labels = labels

    def rows(self, value: Any) -> list[tuple[str, str, bool]]:
        """(label, shown value, known to the model) for each input."""
        current = value if isinstance(value, dict) else {}
        model_labels = list(self.labels())
        others = [str(label) for label in current if label not in model_labels]
        return [
            (label, "" if current.get(label) is None else str(current[label]), label in model_labels)
            for label in [*model_labels, *others]
        ]

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        base_id = (attrs or {}).get("id", f"id_{name}")
        rows = self.rows(value)
        if not rows:
            return format_html(
                '<p class="help" id="{}">No emotion model is loaded, so there are no labels to weigh yet.</p>', base_id
            )
        cells = format_html_join(
            "",
            '<label class="emotion-weight" for="{}"><span>{}{}</span>'
            '<input type="number" id="{}" name="{}" value="{}" min="0" step="any" inputmode="decimal"></label>',
            (
                (
                    f"{base_id}{SEPARATOR}{label}",
                    label,
                    "" if known else " (not a label of the current model)",
                    f"{base_id}{SEPARATOR}{label}",
                    f"{name}{SEPARATOR}{label}",
                    shown,
                )
                for label, shown, known in rows
            ),
        )
        return format_html('<div class="emotion-weights" id="{}">{}</div>', base_id, cells)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return _posted(data, name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not _posted(data, name)

    def id_for_label(self, id_: str) -> str:
        # The field's <label> points at the first input, which exists only when there is a label.
        labels = self.labels()
        return f"{id_}{SEPARATOR}{labels[0]}" if id_ and labels else ""


class EmotionWeightsField(forms.Field):
    """Curators' prior {label: weight}: an empty input means "no weight", anything else a number >= 0."""

    widget = EmotionWeightsWidget

    def prepare_value(self, value: Any) -> Any:
        return value if isinstance(value, dict) else {}

    def to_python(self, value: Any) -> dict[str, float]:
        if isinstance(value, dict) and all(not isinstance(weight, str) for weight in value.values()):
            return dict(value)  # already parsed (initial data)
        weights: dict[str, float] = {}
        errors = []
        for label, text in (value or {}).items():
            text = str(text).strip().replace(",", ".")
            if not text:
                continue
            try:
                weight = float(text)
            except ValueError:
                errors.append(
                    ValidationError(
                        "%(label)s: %(text)r is not a number; use e.g. 0.5, or leave it empty.",
                        code="invalid_emotions",
                        params={"label": label, "text": text},
                    )
                )
                continue
            if not math.isfinite(weight) or weight < 0:
                errors.append(
                    ValidationError(
                        "%(label)s: the weight must be zero or more, not %(text)s.",
                        code="invalid_emotions",
                        params={"label": label, "text": text},
                    )
                )
                continue
            weights[label] = weight
        if errors:
            raise ValidationError(errors)
        return weights

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != {k: float(v) for k, v in (initial or {}).items()}
        except (ValidationError, TypeError, ValueError):
            return True


class TranslationsWidget(forms.Widget):
    """Per other language, one input per translatable text (a text area for long texts)."""

    def __init__(
        self,
        fields: Sequence[tuple[str, str, int | None]],
        long_fields: Sequence[str] = ("description",),
        attrs: dict[str, Any] | None = None,
    ):
        super().__init__(attrs)
        self.fields = tuple(fields)  # (attribute, verbose name, max length or None)
        self.long_fields = frozenset(long_fields)
        self.base_language: str | None = None

    def languages(self, value: Any) -> list[tuple[str, str]]:
        """(code, name) of every supported language but the base one, unless texts are stored for it."""
        stored = value if isinstance(value, dict) else {}
        return [
            (code, str(name))
            for code, name in settings.LANGUAGES
            if code != self.base_language or any(stored.get(code, {}).values())
        ]

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        base_id = (attrs or {}).get("id", f"id_{name}")
        stored = value if isinstance(value, dict) else {}
        groups = []
        for code, language in self.languages(value):
            found = stored.get(code)
            texts: dict[str, Any] = found if isinstance(found, dict) else {}
            inputs = []
            for attribute, verbose, max_length in self.fields:
                input_id = f"{base_id}{SEPARATOR}{code}{SEPARATOR}{attribute}"
                input_name = f"{name}{SEPARATOR}{code}{SEPARATOR}{attribute}"
                text = str(texts.get(attribute) or "")
                limit = format_html(' maxlength="{}"', max_length) if max_length else ""
                if attribute in self.long_fields:
                    control = format_html(
                        '<textarea id="{}" name="{}" rows="3" lang="{}">{}</textarea>', input_id, input_name, code, text
                    )
                else:
                    control = format_html(
                        '<input type="text" id="{}" name="{}" value="{}" lang="{}"{}>',
                        input_id,
                        input_name,
                        text,
                        code,
                        limit,
                    )
                inputs.append(format_html('<label for="{}">{}</label>{}', input_id, verbose, control))
            filled = len([attribute for attribute, _verbose, _max in self.fields if texts.get(attribute)])
            groups.append(
                format_html(
                    '<details class="translation"{}><summary>{} ({}) — {} of {} texts</summary>'
                    '<div class="translation-texts">{}</div></details>',
                    " open" if filled else "",
                    language,
                    code,
                    filled,
                    len(self.fields),
                    format_html_join("", "{}", ((item,) for item in inputs)),
                )
            )
        return format_html(
            '<div class="translations" id="{}">{}</div>', base_id, format_html_join("", "{}", ((g,) for g in groups))
        )

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, dict[str, str]]:
        nested: dict[str, dict[str, str]] = {}
        for key, text in _posted(data, name).items():
            code, _, attribute = key.partition(SEPARATOR)
            nested.setdefault(code, {})[attribute] = text
        return nested

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not _posted(data, name)


class TranslationsField(forms.Field):
    """`{"<lang>": {"<attribute>": "<text>"}}` from the inputs; empty texts and languages are left out."""

    def __init__(self, *, fields: Sequence[tuple[str, str, int | None]], **kwargs: Any) -> None:
        self.text_fields = tuple(fields)
        kwargs.setdefault("widget", TranslationsWidget(fields))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value if isinstance(value, dict) else {}

    def to_python(self, value: Any) -> dict[str, dict[str, str]]:
        limits = {attribute: (verbose, max_length) for attribute, verbose, max_length in self.text_fields}
        languages = dict(settings.LANGUAGES)
        result: dict[str, dict[str, str]] = {}
        errors = []
        for code, texts in (value or {}).items():
            if not isinstance(texts, dict):
                continue
            for attribute, text in texts.items():
                text = str(text or "").strip()
                if not text:
                    continue
                verbose, max_length = limits.get(attribute, (attribute, None))
                if max_length and len(text) > max_length:
                    errors.append(
                        ValidationError(
                            "%(language)s %(field)s: at most %(max)d characters (it has %(length)d).",
                            code="invalid_translations",
                            params={
                                "language": languages.get(code, code),
                                "field": verbose,
                                "max": max_length,
                                "length": len(text),
                            },
                        )
                    )
                    continue
                result.setdefault(code, {})[attribute] = text
        if errors:
            raise ValidationError(errors)
        return result

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


def translations_field(model: type[Any]) -> TranslationsField:
    """The translations field of a `Translatable` model: its translatable texts with their names and limits."""
    specs = []
    for attribute in model.TRANSLATABLE_FIELDS:
        field = model._meta.get_field(attribute)
        specs.append((attribute, str(field.verbose_name), getattr(field, "max_length", None)))
    return TranslationsField(
        fields=specs,
        label="Other languages",
        help_text="Texts in other languages; an empty text falls back to the base text above.",
    )


class TranslatableAdminForm(forms.ModelForm):
    """A model form whose `translations` JSON is edited text by text, hiding the row's base language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("translations")
        if field is not None and isinstance(field.widget, TranslationsWidget):
            field.widget.base_language = _base_language(self.instance)


def _base_language(instance: Any) -> str | None:
    """The language of the row's base texts, when it is known (a saved row, or a venue being edited)."""
    try:
        return str(instance.base_language)
    except Exception:  # a new hall or exhibit has no venue yet
        return None
