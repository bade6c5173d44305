"""A URLconf with only the catalogue API, to check its schema in isolation from other apps."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("exhibits.urls"))]
