"""Public, server-rendered pages that exhibit QR labels open (the seed of the visitor web app)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from exhibits.languages import requested_languages
from exhibits.models import Exhibit


def visit_exhibit(request: HttpRequest, slug: str) -> HttpResponse:
    """An exhibit's page in the visitor's language: title, creator, period, image and description."""
    exhibit = get_object_or_404(Exhibit.objects.on_display().with_catalogue_relations(), slug=slug)
    # A visitor who edits the URL by hand gets their browser's language rather than an error page.
    language = exhibit.language_for(requested_languages(request, strict=False))
    hall = exhibit.hall
    hall_language = hall.language_for([language])
    context = {
        "exhibit": exhibit,
        "language": language,
        "title": exhibit.text("title", language),
        "creator": exhibit.text("creator", language),
        "period": exhibit.text("period", language),
        "description": exhibit.text("description", language),
        "hall_name": hall.text("name", hall_language),
        "venue_name": hall.venue.text("name", hall.venue.language_for([language])),
        "other_languages": [code for code in exhibit.available_languages() if code != language],
    }
    response = render(request, "exhibits/visit_exhibit.html", context)
    response["Content-Language"] = language
    response["Vary"] = "Accept-Language"
    return response
