"""The visitor web app: one server-rendered shell whose plain JS modules drive the public API v1."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from exhibits.models import Exhibit
from visit.errors import not_on_display
from visit.languages import PageLanguage, finish_page, page_context, page_language
from visit.texts import ui_languages

# The wishes the app offers ("how would you like to feel today?"), in this order: what a museum sets out
# to evoke. Angry, disgusted, scared and sad faces are still read and shown as readings, but nobody is
# offered them as a goal for the day (docs/ARCHITECTURE.md, "visit/"). Labels the model lacks are left out.
WISHABLE_EMOTIONS = ("happy", "surprise", "neutral")


def _app_context(language: PageLanguage, exhibit: dict[str, Any] | None) -> dict[str, Any]:
    config = {
        "api": "/api/v1/",
        "exhibit": exhibit,
        "language": language.code,
        "language_chosen": language.chosen,
        "languages": list(ui_languages()),
        "wishes": list(WISHABLE_EMOTIONS),
        "poll_timeout_ms": settings.VISIT_POLL_TIMEOUT_SECONDS * 1000,
    }
    return page_context(language) | {"config": config}


def visit_app(request: HttpRequest) -> HttpResponse:
    """The app without a preselected exhibit: the visitor picks one from the list."""
    language = page_language(request)
    return finish_page(request, render(request, "visit/app.html", _app_context(language, None)), language)


def visit_exhibit(request: HttpRequest, slug: str) -> HttpResponse:
    """What an exhibit's QR code opens: the exhibit in the page's language, and the app preselecting it."""
    language = page_language(request)
    exhibit = Exhibit.objects.on_display().with_catalogue_relations().filter(slug=slug).first()
    if exhibit is None:
        # Taken off display, or a mistyped label: the guide's own page says so and leads into the guide.
        return not_on_display(request)
    # The card is in the page's language where the exhibit has it, else in the exhibit's base texts.
    content_language = exhibit.language_for([language.code])
    hall = exhibit.hall
    hall_name = hall.text("name", hall.language_for([language.code]))
    title = exhibit.text("title", content_language)
    preselected = {"id": exhibit.pk, "slug": exhibit.slug, "title": title, "hall": hall_name, "language": language.code}
    context = _app_context(language, preselected) | {
        "exhibit": exhibit,
        "language": content_language,
        "title": title,
        "creator": exhibit.text("creator", content_language),
        "period": exhibit.text("period", content_language),
        "description": exhibit.text("description", content_language),
        "image_alt": exhibit.text("image_alt", content_language),
        "hall_name": hall_name,
        "venue_name": hall.venue.text("name", hall.venue.language_for([language.code])),
    }
    return finish_page(request, render(request, "visit/app.html", context), language)
