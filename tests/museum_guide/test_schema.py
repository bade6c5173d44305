"""OpenAPI schema and Swagger UI."""

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client


@pytest.mark.django_db
def test_the_schema_describes_the_catalogue() -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/venues/", "/api/v1/halls/", "/api/v1/exhibits/", "/api/v1/exhibits/{id}/"} <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/exhibits/"]["get"]["parameters"]}
    assert {"venue", "hall", "tag", "search", "lang", "page", "page_size"} <= parameters
    detail = response.json()["components"]["schemas"]["ExhibitDetail"]["properties"]
    assert detail["visitors"]["type"] == "integer"
    assert detail["emotion_profile"]["type"] == "object"
    assert detail["visitor_emotions"]["nullable"] is True
    listed = response.json()["components"]["schemas"]["Exhibit"]["properties"]
    assert listed["image_alt"]["type"] == "string" and "screen readers" in listed["image_alt"]["description"]
    assert "image_alt" in detail


@pytest.mark.django_db
def test_the_schema_declares_what_the_phone_endpoints_really_send() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]

    recommendations = schema["paths"]["/api/v1/recommendations/"]["get"]["responses"]["200"]["content"]
    ref = recommendations["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert components[ref]["properties"]["results"]["type"] == "array"
    upload = schema["paths"]["/api/v1/captures/"]["post"]["requestBody"]["content"]
    assert set(upload) == {"multipart/form-data", "application/json"}
    reading = components[upload["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert set(reading) == {"exhibit", "scores", "model_version", "source"}
    image = components[upload["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]]["properties"]["image"]
    assert image["format"] == "binary"
    assert "EXIF orientation" in components["CaptureCreateInput"]["properties"]["face_box"]["description"]
    capture = components["CaptureOutput"]["properties"]
    status_enum = components[capture["status"]["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert set(status_enum) == {"pending", "processing", "done", "no_face", "failed"}
    error_enum = {
        value for ref in capture["error_code"]["oneOf"] for value in components[ref["$ref"].rsplit("/", 1)[-1]]["enum"]
    }
    assert {"", "image_missing", "image_unreadable", "consent_withdrawn", "too_many_attempts"} == error_enum
    lang = next(p for p in schema["paths"]["/api/v1/exhibits/"]["get"]["parameters"] if p["name"] == "lang")
    assert set(lang["schema"]["enum"]) == {"en", "ru", "de", "fr", "es"}
    website = components["Venue"]["properties"]["website"]
    assert website["format"] == "uri" and website["nullable"] is True


def test_the_catalogue_schema_generates_without_warnings() -> None:
    # --fail-on-warn turns any drf-spectacular warning about these views into an error.
    call_command(
        "spectacular",
        "--fail-on-warn",
        "--validate",
        "--urlconf",
        "tests.museum_guide.exhibits_only_urls",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


@pytest.mark.django_db
def test_the_swagger_ui_renders() -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content


@pytest.mark.django_db
def test_the_swagger_ui_loads_only_pinned_files_served_by_this_site() -> None:
    page = Client().get("/api/docs/").content.decode()

    assert "cdn" not in page.lower() and "@latest" not in page
    script = re.search(r'src="([^"]*swagger-ui-bundle\.js)"', page)
    assert script and script.group(1).startswith("/static/drf_spectacular_sidecar/")
    assert finders.find(script.group(1).removeprefix("/static/"))


@pytest.mark.django_db
def test_every_api_operation_documents_its_errors_in_the_one_error_shape() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "404", "429"} <= set(operation["responses"]), (method, path)
            assert operation["responses"]["429"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    upload = schema["paths"]["/api/v1/captures/"]["post"]["responses"]
    assert {"202", "409", "413", "415", "503"} <= set(upload)


@pytest.mark.django_db
def test_every_optional_parameter_the_schema_allows_empty_answers_as_if_it_were_absent() -> None:
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from reports.permissions import ANALYSTS_GROUP
    from tests.emotions.factories import VisitorFactory, visitor_key
    from tests.exhibits.factories import ExhibitFactory

    exhibit = ExhibitFactory.create()
    analyst = User.objects.create_user("ana")
    analyst.groups.add(Group.objects.get(name=ANALYSTS_GROUP))
    analyst_token, visitor_token = Token.objects.create(user=analyst).key, visitor_key(VisitorFactory.create())
    client = APIClient()
    schema = client.get("/api/schema/", {"format": "json"}).json()
    checked = 0
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        token = analyst_token if path.startswith("/api/v1/reports/") else visitor_token
        required = {p["name"]: "" for p in operation.get("parameters", []) if p.get("required")}
        if "from_exhibit" in required:
            required["from_exhibit"] = str(exhibit.pk)
        if "emotion" in required:
            required["emotion"] = "happy"
        absent = client.get(path, required, HTTP_AUTHORIZATION=f"Token {token}")
        for parameter in operation.get("parameters", []):
            if parameter.get("allowEmptyValue"):
                response = client.get(path, {**required, parameter["name"]: ""}, HTTP_AUTHORIZATION=f"Token {token}")
                assert response.status_code == absent.status_code, (path, parameter["name"], response.content[:200])
                assert response.content == absent.content, (path, parameter["name"])
                checked += 1
    assert checked >= 15
