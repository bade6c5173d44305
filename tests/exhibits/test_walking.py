"""Walking minutes against a hand-computed venue, the step-free variant and cache invalidation.

The venue (walking speed 1 m/s, so one metre = one second):

    hall A (floor 0)  a1 (0, 0), a2 (30, 40)            -> a1-a2 = 50 m
    hall B (floor 0)  b1 (100, 0)
    corridor A-B      door in A (30, 0), door in B (70, 0), 10 s
    hall C (floor 1)  c1 (0, 0)
    stairs A-C        door in A (0, 30), door in C (0, 30), 20 s   (not step-free)
    lift B-C          door in B (100, 30), door in C (40, 0), 60 s
    hall D (floor 0, not step-free) d1 (5, 5), door A-D at (0, 10) on both sides, 2 s
    hall E (floor 0)  e1, no passages

    a1 -> b1: 30 + 10 + 30                 = 70 s
    a1 -> c1: 30 + 20 + 30 (stairs)        = 80 s
    a1 -> c1 step-free: 30 + 10 + hypot(30, 30) + 60 + 40 = 140 + 42.43 s (lift)
    a1 -> d1: 10 + 2 + hypot(5, 5)         = 19.07 s; step-free: unreachable
"""

import itertools
import math
from dataclasses import dataclass

import pytest
from pytest_django.fixtures import SettingsWrapper

from exhibits.models import Exhibit, Hall, Passage
from exhibits.walking import venue_graph_changed, walking_matrix, walking_minutes
from tests.exhibits.factories import ExhibitFactory, HallFactory, PassageFactory, VenueFactory

pytestmark = pytest.mark.django_db


@dataclass
class Graph:
    venue_id: int
    a1: Exhibit
    a2: Exhibit
    b1: Exhibit
    c1: Exhibit
    d1: Exhibit
    e1: Exhibit
    hall_b: Hall
    corridor: Passage


@pytest.fixture
def graph(settings: SettingsWrapper) -> Graph:
    settings.WALKING_SPEED_M_PER_S = 1.0
    venue = VenueFactory.create()
    hall_a = HallFactory.create(venue=venue)
    hall_b = HallFactory.create(venue=venue)
    hall_c = HallFactory.create(venue=venue, floor=1)
    hall_d = HallFactory.create(venue=venue, is_step_free=False)
    hall_e = HallFactory.create(venue=venue)
    exhibits = {
        "a1": ExhibitFactory.create(hall=hall_a, position_x_m=0, position_y_m=0),
        "a2": ExhibitFactory.create(hall=hall_a, position_x_m=30, position_y_m=40),
        "b1": ExhibitFactory.create(hall=hall_b, position_x_m=100, position_y_m=0),
        "c1": ExhibitFactory.create(hall=hall_c, position_x_m=0, position_y_m=0),
        "d1": ExhibitFactory.create(hall=hall_d, position_x_m=5, position_y_m=5),
        "e1": ExhibitFactory.create(hall=hall_e, position_x_m=1, position_y_m=1),
    }
    corridor = PassageFactory.create(
        hall_a=hall_a, hall_b=hall_b, kind="corridor", door_a_x_m=30, door_b_x_m=70, walking_seconds=10
    )
    PassageFactory.create(
        hall_a=hall_a,
        hall_b=hall_c,
        kind="stairs",
        is_step_free=False,
        door_a_y_m=30,
        door_b_y_m=30,
        walking_seconds=20,
    )
    PassageFactory.create(
        hall_a=hall_b, hall_b=hall_c, kind="lift", door_a_x_m=100, door_a_y_m=30, door_b_x_m=40, walking_seconds=60
    )
    PassageFactory.create(hall_a=hall_a, hall_b=hall_d, door_a_y_m=10, door_b_y_m=10, walking_seconds=2)
    return Graph(venue_id=venue.pk, hall_b=hall_b, corridor=corridor, **exhibits)


def minutes(seconds: float) -> object:
    return pytest.approx(seconds / 60.0)


def test_exhibits_in_one_hall_are_the_straight_line_apart(graph: Graph) -> None:
    matrix = walking_matrix(graph.venue_id)
    assert matrix.between(graph.a1.pk, graph.a2.pk) == minutes(50)
    assert matrix.between(graph.a2.pk, graph.a1.pk) == minutes(50)
    assert matrix.between(graph.a1.pk, graph.a1.pk) == 0


def test_walks_between_halls_go_door_to_door(graph: Graph) -> None:
    matrix = walking_matrix(graph.venue_id)
    assert matrix.between(graph.a1.pk, graph.b1.pk) == minutes(70)
    assert matrix.between(graph.a1.pk, graph.c1.pk) == minutes(80)
    assert matrix.between(graph.a1.pk, graph.d1.pk) == minutes(12 + math.hypot(5, 5))


def test_the_step_free_variant_takes_the_lift_instead_of_the_stairs(graph: Graph) -> None:
    matrix = walking_matrix(graph.venue_id, step_free=True)
    assert matrix.between(graph.a1.pk, graph.c1.pk) == minutes(140 + math.hypot(30, 30))
    assert matrix.between(graph.a1.pk, graph.b1.pk) == minutes(70)


def test_the_step_free_variant_never_enters_a_hall_with_steps(graph: Graph) -> None:
    assert walking_matrix(graph.venue_id, step_free=True).between(graph.a1.pk, graph.d1.pk) == math.inf
    graph.hall_b.is_step_free = False
    graph.hall_b.save()
    # The lift is only reachable through hall B.
    assert walking_matrix(graph.venue_id, step_free=True).between(graph.a1.pk, graph.c1.pk) == math.inf
    assert walking_matrix(graph.venue_id).between(graph.a1.pk, graph.c1.pk) == minutes(80)


def test_an_exhibit_in_an_unconnected_hall_is_unreachable(graph: Graph) -> None:
    matrix = walking_matrix(graph.venue_id)
    assert matrix.between(graph.a1.pk, graph.e1.pk) == math.inf
    assert matrix.between(graph.e1.pk, graph.a1.pk) == math.inf
    assert not matrix.is_connected()
    assert walking_minutes(graph.a1.pk, graph.e1.pk) == math.inf


def test_exhibits_of_different_venues_are_infinitely_far_apart(graph: Graph) -> None:
    elsewhere = ExhibitFactory.create()
    assert walking_minutes(graph.a1.pk, elsewhere.pk) == math.inf
    assert walking_matrix(graph.venue_id).between(graph.a1.pk, elsewhere.pk) == math.inf


def test_two_exhibits_on_the_same_spot_are_zero_minutes_apart(graph: Graph) -> None:
    twin = ExhibitFactory.create(hall=graph.a1.hall, position_x_m=0, position_y_m=0)
    matrix = walking_matrix(graph.venue_id)
    assert matrix.between(graph.a1.pk, twin.pk) == pytest.approx(0, abs=1e-6)
    assert matrix.between(twin.pk, graph.b1.pk) == minutes(70)


def test_rows_and_submatrices_follow_the_requested_order(graph: Graph) -> None:
    matrix = walking_matrix(graph.venue_id)
    sub = matrix.submatrix([graph.b1.pk, graph.a1.pk])
    assert sub[0, 1] == minutes(70)
    assert sub[1, 0] == minutes(70)
    assert matrix.from_exhibit(graph.a1.pk)[graph.a2.pk] == minutes(50)
    with pytest.raises(ValueError, match="read-only"):
        matrix.minutes[0, 0] = 1.0


def test_the_matrix_is_cached_until_the_graph_changes(graph: Graph) -> None:
    first = walking_matrix(graph.venue_id)
    assert walking_matrix(graph.venue_id) is first
    graph.a1.description = "A new label text."
    graph.a1.save()
    assert walking_matrix(graph.venue_id) is first

    graph.corridor.walking_seconds = 70
    graph.corridor.save()
    second = walking_matrix(graph.venue_id)
    assert second is not first
    assert second.between(graph.a1.pk, graph.b1.pk) == minutes(130)


def test_moving_adding_or_removing_graph_parts_invalidates_the_matrix(graph: Graph) -> None:
    walking_matrix(graph.venue_id)
    graph.b1.position_x_m = 130
    graph.b1.save()
    assert walking_matrix(graph.venue_id).between(graph.a1.pk, graph.b1.pk) == minutes(100)

    new = ExhibitFactory.create(hall=graph.hall_b, position_x_m=70, position_y_m=0)
    assert walking_matrix(graph.venue_id).between(graph.a1.pk, new.pk) == minutes(40)

    graph.corridor.delete()
    # Now up the stairs, across hall C to the lift (hypot(40, 30) = 50 m) and down into hall B.
    assert walking_matrix(graph.venue_id).between(graph.a1.pk, new.pk) == minutes(
        30 + 20 + 50 + 60 + math.hypot(30, 30)
    )


def test_code_that_bypasses_signals_can_invalidate_explicitly(graph: Graph) -> None:
    walking_matrix(graph.venue_id)
    Passage.objects.filter(pk=graph.corridor.pk).update(walking_seconds=40)
    venue_graph_changed(hall_ids=[graph.hall_b.pk])
    assert walking_matrix(graph.venue_id).between(graph.a1.pk, graph.b1.pk) == minutes(100)


def test_a_cached_lookup_for_two_hundred_exhibits_costs_one_query(
    settings: SettingsWrapper, django_assert_num_queries: object
) -> None:
    venue = VenueFactory.create()
    halls = [HallFactory.create(venue=venue) for _ in range(10)]
    Exhibit.objects.bulk_create(
        Exhibit(hall=halls[i % 10], title=f"E{i}", slug=f"e-{i}", position_x_m=i % 17, position_y_m=i % 13)
        for i in range(200)
    )
    for left, right in itertools.pairwise(halls):
        PassageFactory.create(hall_a=left, hall_b=right)
    venue_graph_changed(venue_ids=[venue.pk])  # bulk_create sends no signals
    matrix = walking_matrix(venue.pk)
    assert matrix.minutes.shape == (200, 200)
    assert matrix.is_connected()
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert walking_matrix(venue.pk) is matrix
