"""Fixtures of the recommendation tests: a fixed label set, a fresh walking cache, a small venue."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from emotions.models import Visitor
from exhibits.models import Exhibit, Hall, Passage, Venue
from exhibits.walking import clear_walking_cache
from recommendations.selectors import clear_venue_cache
from tests.exhibits.factories import ExhibitFactory, HallFactory, PassageFactory, TagFactory, VenueFactory
from tests.recommendations.factories import VisitorFactory

LABELS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")


@pytest.fixture(autouse=True)
def _model_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    """The label set of the active model, without loading a checkpoint (the ranker only needs names)."""
    monkeypatch.setattr("recommendations.selectors.model_labels", lambda: LABELS)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test sees its own data: no walking matrix or ranking inputs carried over from rolled-back rows."""
    clear_walking_cache()
    clear_venue_cache()
    yield
    clear_walking_cache()
    clear_venue_cache()


def scores(**shares: float) -> dict[str, float]:
    """A full score vector over LABELS: the given shares, the rest spread evenly over the others."""
    rest = (1.0 - sum(shares.values())) / (len(LABELS) - len(shares))
    return {label: shares.get(label, rest) for label in LABELS}


@dataclass
class SmallVenue:
    """Two ground-floor halls side by side and an upper hall reached by stairs (fast) or a lift (slow).

    Ground hall A: `start`, `smiles` (happy), `gasps` (surprise), `calm` (neutral).
    Ground hall B: `far_smiles` (happy), 4 minutes from `start`. Upper hall C: `upstairs` (surprise),
    4.5 minutes from `start` by the stairs, 14 by the lift.
    """

    venue: Venue
    hall_a: Hall
    hall_b: Hall
    hall_c: Hall
    stairs: Passage
    lift: Passage
    start: Exhibit
    smiles: Exhibit
    gasps: Exhibit
    calm: Exhibit
    far_smiles: Exhibit
    upstairs: Exhibit


@pytest.fixture
def small_venue(db: None) -> SmallVenue:
    venue = VenueFactory.create()
    hall_a = HallFactory.create(venue=venue, floor=0)
    hall_b = HallFactory.create(venue=venue, floor=0)
    hall_c = HallFactory.create(venue=venue, floor=1)
    art, science = TagFactory.create(slug="art"), TagFactory.create(slug="science")
    # 60 m = 1 minute at the default walking speed of 1 m/s.
    start = ExhibitFactory.create(hall=hall_a, position_x_m=0, position_y_m=0, expected_emotions={"neutral": 1.0})
    smiles = ExhibitFactory.create(
        hall=hall_a, position_x_m=60, position_y_m=0, expected_emotions={"happy": 1.0}, tags=[art], dwell_minutes=5
    )
    gasps = ExhibitFactory.create(
        hall=hall_a, position_x_m=0, position_y_m=60, expected_emotions={"surprise": 1.0}, tags=[science]
    )
    calm = ExhibitFactory.create(hall=hall_a, position_x_m=120, position_y_m=60, expected_emotions={"neutral": 1.0})
    far_smiles = ExhibitFactory.create(
        hall=hall_b, position_x_m=120, position_y_m=0, expected_emotions={"happy": 1.0}, tags=[art]
    )
    upstairs = ExhibitFactory.create(hall=hall_c, position_x_m=0, position_y_m=0, expected_emotions={"surprise": 1.0})
    PassageFactory.create(hall_a=hall_a, hall_b=hall_b, door_a_x_m=120, door_b_x_m=0, walking_seconds=60)
    stairs = PassageFactory.create(
        hall_a=hall_a, hall_b=hall_c, kind=Passage.Kind.STAIRS, door_a_x_m=240, is_step_free=False, walking_seconds=30
    )
    lift = PassageFactory.create(
        hall_a=hall_a, hall_b=hall_c, kind=Passage.Kind.LIFT, door_a_x_m=240, walking_seconds=600
    )
    return SmallVenue(venue, hall_a, hall_b, hall_c, stairs, lift, start, smiles, gasps, calm, far_smiles, upstairs)


@pytest.fixture
def visitor(db: None) -> Visitor:
    return VisitorFactory.create(desired_emotions=["happy"])
