# ruff: noqa: RUF001 - Russian texts are Cyrillic on purpose, not look-alike Latin letters.
"""Catalogue API: filters, search, languages, pagination, query counts and the stats extension point."""

from collections.abc import Iterator, Mapping, Sequence

import pytest
from rest_framework.test import APIClient

from exhibits.extensions import ExhibitStats, register_exhibit_stats_provider
from exhibits.models import Exhibit, Venue
from tests.exhibits.factories import ExhibitFactory, HallFactory, TagFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def museum() -> Venue:
    venue = VenueFactory.create(
        slug="riverside", name="Riverside Museum", translations={"ru": {"name": "Приречный музей"}}
    )
    hall = HallFactory.create(
        venue=venue, slug="fossils", name="Fossils", translations={"ru": {"name": "Окаменелости"}}
    )
    ExhibitFactory.create(
        hall=hall,
        slug="mammoth",
        title="Mammoth Skeleton",
        creator="Museum expedition",
        description="A young woolly mammoth.",
        translations={"ru": {"title": "Скелет мамонта", "description": "Молодой шерстистый мамонт."}},
        tags=[TagFactory.create(slug="nature")],
    )
    ExhibitFactory.create(hall=hall, slug="cave-bear", title="Cave Bear Skull", creator="Found in a Ural cave")
    ExhibitFactory.create(hall=hall, slug="in-storage", title="Broken Amphora", is_active=False)
    return venue


def slugs(response: object) -> list[str]:
    return [item["slug"] for item in response.json()["results"]]  # type: ignore[attr-defined]


def test_the_catalogue_lists_only_exhibits_on_display(client: APIClient, museum: Venue) -> None:
    response = client.get("/api/v1/exhibits/")
    assert response.status_code == 200
    assert slugs(response) == ["cave-bear", "mammoth"]


def test_an_exhibit_off_display_is_not_found(client: APIClient, museum: Venue) -> None:
    exhibit = Exhibit.objects.get(slug="in-storage")
    response = client.get(f"/api/v1/exhibits/{exhibit.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_venue_without_a_web_site_says_null_not_an_empty_uri(client: APIClient, museum: Venue) -> None:
    VenueFactory.create(slug="with-site", website="https://museum.example.org/")

    venues = {v["slug"]: v for v in client.get("/api/v1/venues/").json()["results"]}

    assert venues["riverside"]["website"] is None
    assert venues["with-site"]["website"] == "https://museum.example.org/"


def test_an_exhibit_opens_by_its_slug_as_printed_on_its_qr_label(client: APIClient, museum: Venue) -> None:
    exhibit = Exhibit.objects.get(slug="mammoth")

    by_slug = client.get("/api/v1/exhibits/mammoth/")
    by_id = client.get(f"/api/v1/exhibits/{exhibit.pk}/")

    assert by_slug.status_code == 200
    assert by_slug.json() == by_id.json()
    assert slugs(client.get("/api/v1/exhibits/", {"slug": "mammoth"})) == ["mammoth"]


@pytest.mark.parametrize("reference", ["no-such-exhibit", "in-storage", "\uff11", "%EF%BC%91"])
def test_an_unknown_off_display_or_non_ascii_reference_is_a_404_that_says_so(
    client: APIClient, museum: Venue, reference: str
) -> None:
    response = client.get(f"/api/v1/exhibits/{reference}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and "no exhibit" in response.json()["detail"]


@pytest.mark.parametrize("venue_param", ["riverside", "id"])
def test_exhibits_filter_by_venue_id_or_slug(client: APIClient, museum: Venue, venue_param: str) -> None:
    ExhibitFactory.create(slug="elsewhere")
    value = str(museum.pk) if venue_param == "id" else museum.slug
    assert slugs(client.get("/api/v1/exhibits/", {"venue": value})) == ["cave-bear", "mammoth"]


def test_exhibits_filter_by_hall_and_tag(client: APIClient, museum: Venue) -> None:
    other = ExhibitFactory.create(slug="elsewhere", tags=[TagFactory.create(slug="maritime")])
    hall = museum.halls.get()
    assert slugs(client.get("/api/v1/exhibits/", {"hall": hall.pk})) == ["cave-bear", "mammoth"]
    assert slugs(client.get("/api/v1/exhibits/", {"hall": other.hall_id})) == ["elsewhere"]
    assert slugs(client.get("/api/v1/exhibits/", {"tag": "nature"})) == ["mammoth"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("skull", ["cave-bear"]), ("ural", ["cave-bear"]), ("woolly", ["mammoth"]), ("МАМОНТ", ["mammoth"])],
)
def test_search_covers_title_creator_description_and_translations(
    client: APIClient, museum: Venue, query: str, expected: list[str]
) -> None:
    assert slugs(client.get("/api/v1/exhibits/", {"search": query})) == expected


def test_lang_parameter_wins_over_accept_language(client: APIClient, museum: Venue) -> None:
    response = client.get("/api/v1/exhibits/", {"lang": "ru", "search": "mammoth"}, HTTP_ACCEPT_LANGUAGE="en")
    item = response.json()["results"][0]
    assert item["title"] == "Скелет мамонта"
    assert item["language"] == "ru"
    assert item["hall"]["name"] == "Окаменелости"


def test_accept_language_is_used_without_a_lang_parameter(client: APIClient, museum: Venue) -> None:
    response = client.get("/api/v1/exhibits/", {"search": "mammoth"}, HTTP_ACCEPT_LANGUAGE="de;q=1, ru-RU;q=0.8")
    item = response.json()["results"][0]
    assert (item["title"], item["language"]) == ("Скелет мамонта", "ru")


def test_missing_translations_fall_back_to_the_venue_language(client: APIClient, museum: Venue) -> None:
    response = client.get("/api/v1/exhibits/", {"lang": "ru"})
    by_slug = {item["slug"]: item for item in response.json()["results"]}
    assert (by_slug["cave-bear"]["title"], by_slug["cave-bear"]["language"]) == ("Cave Bear Skull", "en")
    # A translated exhibit missing one field still answers in Russian, with the base text for that field.
    assert by_slug["mammoth"]["creator"] == "Museum expedition"
    german = client.get("/api/v1/venues/", {"lang": "de"}).json()["results"][0]
    assert (german["name"], german["language"]) == ("Riverside Museum", "en")


def test_exhibits_carry_their_image_alt_text_in_the_readers_language(client: APIClient, museum: Venue) -> None:
    Exhibit.objects.filter(slug="mammoth").update(
        image_alt="A mammoth skeleton, tusks curving up, in a glass case.",
        translations={"ru": {"title": "Скелет мамонта", "image_alt": "Скелет мамонта с загнутыми бивнями."}},
    )

    english = client.get("/api/v1/exhibits/mammoth/").json()
    russian = client.get("/api/v1/exhibits/", {"lang": "ru", "search": "mammoth"}).json()["results"][0]
    bear = client.get("/api/v1/exhibits/cave-bear/", {"lang": "ru"}).json()

    assert english["image_alt"] == "A mammoth skeleton, tusks curving up, in a glass case."
    assert russian["image_alt"] == "Скелет мамонта с загнутыми бивнями."
    assert bear["image_alt"] == ""


def test_an_unsupported_lang_parameter_is_a_clear_400(client: APIClient, museum: Venue) -> None:
    response = client.get("/api/v1/exhibits/", {"lang": "tlh"})
    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_language"
    assert "tlh" in response.json()["detail"]


@pytest.mark.parametrize("page_size", ["abc", "-5", "0", "1.5", "\uff12"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400(
    client: APIClient, museum: Venue, page_size: str
) -> None:
    response = client.get("/api/v1/exhibits/", {"page_size": page_size})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page_size" and page_size in response.json()["detail"]


@pytest.mark.parametrize("query", [{"hall": "1.5"}, {"floor": "0.5"}, {"hall": "x"}])
def test_whole_number_filters_refuse_fractions_and_text(
    client: APIClient, museum: Venue, query: dict[str, str]
) -> None:
    response = client.get("/api/v1/exhibits/", query)

    assert response.status_code == 400
    assert response.json()["detail"]


def test_pagination_follows_page_size(client: APIClient, museum: Venue) -> None:
    first = client.get("/api/v1/exhibits/", {"page_size": 1}).json()
    assert first["count"] == 2
    assert len(first["results"]) == 1
    second = client.get(first["next"]).json()
    assert [first["results"][0]["slug"], second["results"][0]["slug"]] == ["cave-bear", "mammoth"]


def test_listing_exhibits_costs_the_same_queries_for_many_rows(
    client: APIClient, museum: Venue, django_assert_max_num_queries: object
) -> None:
    tags = [TagFactory.create(), TagFactory.create()]
    for _ in range(30):
        ExhibitFactory.create(hall=HallFactory.create(venue=museum), tags=tags)
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        response = client.get("/api/v1/exhibits/", {"page_size": 100})
    assert len(response.json()["results"]) == 32


def test_halls_filter_by_venue_and_answer_in_the_requested_language(client: APIClient, museum: Venue) -> None:
    HallFactory.create()
    response = client.get("/api/v1/halls/", {"venue": "riverside", "lang": "ru"})
    assert [(hall["slug"], hall["name"], hall["venue_slug"]) for hall in response.json()["results"]] == [
        ("fossils", "Окаменелости", "riverside")
    ]


def test_venues_list_their_languages(client: APIClient, museum: Venue) -> None:
    venue = client.get(f"/api/v1/venues/{museum.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert venue["name"] == "Приречный музей"
    assert venue["available_languages"] == ["en", "ru"]
    assert venue["time_zone"] == "Europe/Moscow"


@pytest.fixture
def no_stats_provider() -> Iterator[None]:
    previous = register_exhibit_stats_provider(None)
    yield
    register_exhibit_stats_provider(previous)


def test_exhibit_detail_has_empty_stats_without_a_provider(
    client: APIClient, museum: Venue, no_stats_provider: None
) -> None:
    exhibit = Exhibit.objects.get(slug="mammoth")
    body = client.get(f"/api/v1/exhibits/{exhibit.pk}/").json()
    assert (body["visitors"], body["visitor_emotions"], body["emotion_profile"]) == (0, None, {})
    assert body["emotion_profile_published_at"] is None
    assert body["tags"] == ["nature"]
    assert body["public_url"].endswith("/visit/e/mammoth")


@pytest.fixture
def stats_provider() -> Iterator[list[Sequence[int]]]:
    calls: list[Sequence[int]] = []

    def provider(exhibit_ids: Sequence[int]) -> Mapping[int, ExhibitStats]:
        calls.append(exhibit_ids)
        return {
            pk: ExhibitStats(visitors=10, emotion_profile={"happy": 0.75, "sad": 0.25}, visitor_emotions={"happy": 1.0})
            for pk in exhibit_ids
        }

    previous = register_exhibit_stats_provider(provider)
    yield calls
    register_exhibit_stats_provider(previous)


def test_exhibit_detail_shows_what_a_registered_provider_supplies(
    client: APIClient, museum: Venue, stats_provider: list[Sequence[int]]
) -> None:
    exhibit = Exhibit.objects.get(slug="mammoth")
    body = client.get(f"/api/v1/exhibits/{exhibit.pk}/").json()
    assert body["visitors"] == 10
    assert body["emotion_profile"] == {"happy": 0.75, "sad": 0.25}
    assert body["visitor_emotions"] == {"happy": 1.0}
    assert stats_provider == [[exhibit.pk]]


def test_the_catalogue_accepts_a_visitor_token(client: APIClient) -> None:
    from emotions.services import visitor_create

    new = visitor_create()
    ExhibitFactory.create()
    response = client.get("/api/v1/exhibits/", HTTP_AUTHORIZATION=f"Token {new.token}")
    assert response.status_code == 200
