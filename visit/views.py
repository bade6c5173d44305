"""The visitor web app: one server-rendered shell whose plain JS modules drive the public API v1."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from exhibits.languages import requested_languages
from exhibits.models import Exhibit
from visit.texts import DEFAULT_UI_LANGUAGE, ui_texts


def _app_context(exhibit: dict[str, Any] | None) -> dict[str, Any]:
    texts = ui_texts(DEFAULT_UI_LANGUAGE)
    return {
        "ui_language": DEFAULT_UI_LANGUAGE,
        "t": texts["ui"],
        "texts": texts,
        "config": {"api": "/api/v1/", "exhibit": exhibit},
    }


def visit_app(request: HttpRequest) -> HttpResponse:
    """The app without a preselected exhibit: the visitor picks one from the list."""
    return render(request, "visit/app.html", _app_context(None))


def visit_exhibit(request: HttpRequest, slug: str) -> HttpResponse:
    """What an exhibit's QR code opens: the exhibit in the visitor's language, and the app preselecting it."""
    exhibit = get_object_or_404(Exhibit.objects.on_display().with_catalogue_relations(), slug=slug)
    # A visitor who edits the URL by hand gets their browser's language rather than an error page.
    language = exhibit.language_for(requested_languages(request, strict=False))
    hall = exhibit.hall
    hall_name = hall.text("name", hall.language_for([language]))
    title = exhibit.text("title", language)
    context = _app_context({"id": exhibit.pk, "slug": exhibit.slug, "title": title, "hall": hall_name})
    context |= {
        "exhibit": exhibit,
        "language": language,
        "title": title,
        "creator": exhibit.text("creator", language),
        "period": exhibit.text("period", language),
        "description": exhibit.text("description", language),
        "hall_name": hall_name,
        "venue_name": hall.venue.text("name", hall.venue.language_for([language])),
        "other_languages": [code for code in exhibit.available_languages() if code != language],
    }
    response = render(request, "visit/app.html", context)
    # The exhibit's texts are the page's main content; the app's own texts are English for now.
    response["Content-Language"] = language
    response["Vary"] = "Accept-Language"
    return response
