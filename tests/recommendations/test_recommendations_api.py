"""GET /api/v1/recommendations/: ranking by desired expressions, personalised, diverse, never repeating."""

from collections.abc import Callable

import pytest
from pytest_django.fixtures import DjangoAssertNumQueries
from rest_framework.test import APIClient

from emotions.models import Visitor
from tests.recommendations.conftest import SmallVenue, scores
from tests.recommendations.factories import CaptureFactory, EmotionEventFactory, VisitorFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/recommendations/"


def ranked_ids(client: APIClient, **params: str | int) -> list[int]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.json()
    return [item["exhibit"]["id"] for item in response.json()["results"]]


def test_asking_for_surprise_instead_of_happiness_moves_surprising_exhibits_up(
    small_venue: SmallVenue, visitor_client: APIClient
) -> None:
    happy = ranked_ids(visitor_client, from_exhibit=small_venue.start.pk, emotions="happy")
    surprised = ranked_ids(visitor_client, from_exhibit=small_venue.start.pk, emotions="surprise")
    assert happy[0] == small_venue.smiles.pk
    assert surprised[0] == small_venue.gasps.pk
    assert happy.index(small_venue.gasps.pk) > surprised.index(small_venue.gasps.pk)


def test_the_visitors_desired_emotions_apply_when_the_query_names_none(
    small_venue: SmallVenue, visitor_client: APIClient
) -> None:
    assert ranked_ids(visitor_client, from_exhibit=small_venue.start.slug)[0] == small_venue.smiles.pk


def test_visitor_evidence_beats_the_curators_guess(small_venue: SmallVenue, visitor_client: APIClient) -> None:
    for _ in range(40):  # forty visitors: the published snapshot counts people, not selfies
        EmotionEventFactory.create(
            capture__visitor=VisitorFactory.create(),
            capture__exhibit=small_venue.calm,
            label="happy",
            scores=scores(happy=0.9),
        )
    assert ranked_ids(visitor_client, from_exhibit=small_venue.start.pk, emotions="happy")[0] == small_venue.calm.pk


def test_visited_exhibits_and_the_current_one_never_come_back(
    small_venue: SmallVenue, visitor: Visitor, visitor_client: APIClient
) -> None:
    CaptureFactory.create(visitor=visitor, exhibit=small_venue.smiles)
    EmotionEventFactory.create(capture__visitor=visitor, capture__exhibit=small_venue.gasps, label="surprise")
    ids = ranked_ids(visitor_client, from_exhibit=small_venue.start.pk, emotions="happy", limit=50)
    assert not {small_venue.smiles.pk, small_venue.gasps.pk, small_venue.start.pk} & set(ids)
    assert set(ids) == {small_venue.calm.pk, small_venue.far_smiles.pk, small_venue.upstairs.pk}


def test_inactive_exhibits_are_not_recommended(small_venue: SmallVenue, visitor_client: APIClient) -> None:
    small_venue.smiles.is_active = False
    small_venue.smiles.save()
    assert small_venue.smiles.pk not in ranked_ids(visitor_client, from_exhibit=small_venue.start.pk, limit=50)


def test_step_free_visitors_are_not_sent_upstairs_by_stairs(small_venue: SmallVenue, visitor_client: APIClient) -> None:
    query: dict[str, str | int] = {"from_exhibit": small_venue.start.pk, "emotions": "surprise", "limit": 50}
    stairs = visitor_client.get(URL, query)
    lift = visitor_client.get(URL, {**query, "step_free": "true"})
    minutes = {item["exhibit"]["id"]: item["walking_minutes"] for item in stairs.json()["results"]}
    step_free = {item["exhibit"]["id"]: item["walking_minutes"] for item in lift.json()["results"]}
    assert minutes[small_venue.upstairs.pk] == pytest.approx(4.5)
    assert step_free[small_venue.upstairs.pk] == pytest.approx(14.0)


def test_a_request_where_nothing_changed_reads_token_exhibit_and_the_visitors_own_history_only(
    small_venue: SmallVenue, visitor_client: APIClient, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    query: dict[str, str | int] = {"from_exhibit": small_venue.start.pk, "emotions": "happy"}
    assert visitor_client.get(URL, query).status_code == 200  # fills the process's caches
    # Token, exhibit with its venue's versions, visited exhibits, own events: the cached ranking inputs and
    # walking matrix are checked against the versions that came with the exhibit, not in queries of their own.
    with django_assert_num_queries(4):
        assert visitor_client.get(URL, query).status_code == 200


def test_a_changed_passage_is_walked_by_the_next_request(small_venue: SmallVenue, visitor_client: APIClient) -> None:
    query: dict[str, str | int] = {"from_exhibit": small_venue.start.pk, "emotions": "happy", "limit": 50}
    before = {
        item["exhibit"]["id"]: item["walking_minutes"] for item in visitor_client.get(URL, query).json()["results"]
    }
    small_venue.stairs.walking_seconds = 330  # 5 minutes more on the stairs
    small_venue.stairs.save()
    after = {
        item["exhibit"]["id"]: item["walking_minutes"] for item in visitor_client.get(URL, query).json()["results"]
    }
    assert after[small_venue.upstairs.pk] == pytest.approx(before[small_venue.upstairs.pk] + 5.0)
    assert after[small_venue.smiles.pk] == before[small_venue.smiles.pk]


def test_each_item_has_the_documented_fields_and_a_reason_about_expressions(
    small_venue: SmallVenue, visitor_client: APIClient
) -> None:
    for _ in range(10):
        EmotionEventFactory.create(
            capture__visitor=VisitorFactory.create(),
            capture__exhibit=small_venue.gasps,
            label="surprise",
            scores=scores(surprise=0.8),
        )
    query: dict[str, str | int] = {"from_exhibit": small_venue.start.pk, "emotions": "surprise", "limit": 2}
    body = visitor_client.get(URL, query).json()
    first = body["results"][0]
    assert set(first) == {"exhibit", "score", "walking_minutes", "expected_emotions", "reason", "personal_reason"}
    assert first["personal_reason"] == ""  # this visitor has no readings yet: nothing of theirs changed the list
    assert set(first["exhibit"]) == {"id", "title", "slug", "hall"}
    assert first["exhibit"]["hall"]["id"] == small_venue.hall_a.pk
    assert first["walking_minutes"] == pytest.approx(1.0)
    assert first["reason"] == "Most visitors looked surprised here."
    assert sum(first["expected_emotions"].values()) == pytest.approx(1.0, abs=0.01)
    assert len(body["results"]) == 2


def test_the_personal_reason_says_what_the_visitors_own_readings_changed(
    small_venue: SmallVenue, visitor: Visitor, visitor_client: APIClient
) -> None:
    query: dict[str, str | int] = {"from_exhibit": small_venue.start.pk, "emotions": "happy,surprise", "limit": 50}
    before = visitor_client.get(URL, query).json()["results"]
    for _ in range(30):  # a visitor who looks surprised far more often than anybody else
        EmotionEventFactory.create(
            capture__visitor=visitor, capture__exhibit=small_venue.start, label="surprise", scores=scores(surprise=0.9)
        )
    after = visitor_client.get(URL, query).json()["results"]
    place_before = {item["exhibit"]["id"]: place for place, item in enumerate(before)}
    assert all(item["personal_reason"] == "" for item in before)
    assert after[0]["exhibit"]["id"] == small_venue.gasps.pk != before[0]["exhibit"]["id"]
    assert after[0]["personal_reason"] == (
        "In your photos so far you looked surprised more often than most visitors, so this moved up."
    )
    for place, item in enumerate(after):
        moved = place < place_before[item["exhibit"]["id"]]
        assert bool(item["personal_reason"]) == moved, (place, item)


def test_a_visitor_without_a_token_is_refused(small_venue: SmallVenue) -> None:
    response = APIClient().get(URL, {"from_exhibit": small_venue.start.pk})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from_exhibit": "no-such-exhibit", "emotions": "happy"}, "unknown_exhibit"),
        ({"from_exhibit": "999999", "emotions": "happy"}, "unknown_exhibit"),
        ({"emotions": "happy"}, "invalid_input"),
        ({"from_exhibit": "START", "emotions": "joy"}, "unknown_emotion"),
        ({"from_exhibit": "START", "emotions": "happy", "limit": "0"}, "min_value"),
        ({"from_exhibit": "START", "emotions": "happy", "limit": "lots"}, "invalid_input"),
    ],
)
def test_invalid_queries_get_a_clear_400(
    small_venue: SmallVenue, visitor_client: APIClient, params: dict[str, str], code: str
) -> None:
    params = {key: (small_venue.start.slug if value == "START" else value) for key, value in params.items()}
    response = visitor_client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_a_visitor_with_no_wish_at_all_is_asked_for_one(
    small_venue: SmallVenue, client_for: Callable[[Visitor], APIClient]
) -> None:
    client = client_for(VisitorFactory.create(desired_emotions=[]))
    response = client.get(URL, {"from_exhibit": small_venue.start.pk})
    assert response.status_code == 400
    assert response.json()["code"] == "emotions_required"


def test_a_russian_visitor_reads_hall_names_and_reasons_in_russian(
    small_venue: SmallVenue, client_for: Callable[[Visitor], APIClient]
) -> None:
    for hall in (small_venue.hall_a, small_venue.hall_b, small_venue.hall_c):
        hall.translations = {"ru": {"name": f"Зал {hall.pk}"}}
        hall.save()
    reader = client_for(VisitorFactory.create(language="ru", desired_emotions=["happy"]))

    results = reader.get(URL, {"from_exhibit": small_venue.start.pk}).json()["results"]

    assert results
    for item in results:
        assert item["exhibit"]["hall"]["name"].startswith("Зал ")
        assert not any("a" <= ch.lower() <= "z" for ch in item["reason"]), item["reason"]
