"""Ranking inputs from float vectors and a versioned cache: the same numbers as decoding the JSON snapshots."""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from django.conf import settings
from pytest_django.fixtures import DjangoAssertNumQueries, SettingsWrapper

from emotions.models import Capture, CaptureStatus, EmotionEvent, Visitor
from exhibits.models import Exhibit, Hall, Tag, Venue
from exhibits.services import exhibits_set_active
from museum_guide import disclosure
from recommendations import ranking, selectors
from recommendations.models import ExhibitEmotionProfile
from recommendations.selectors import ExhibitSummary, VenueRankingData
from recommendations.services import profiles_publish
from tests.exhibits.factories import ExhibitFactory, HallFactory, PassageFactory, TagFactory, VenueFactory
from tests.recommendations.conftest import LABELS
from tests.recommendations.factories import EmotionEventFactory, VisitorFactory

pytestmark = pytest.mark.django_db


def json_ranking_data(
    venue_id: int, *, labels: Sequence[str], language: str = "", versions: tuple[int, int] | None = None
) -> VenueRankingData:
    """The ranking inputs as computed before issue 17: every JSON snapshot, prior and translation decoded per load.

    `versions` (what the caller read with its exhibit) is ignored: nothing is cached here.
    """
    strength = settings.RECOMMENDATIONS_PRIOR_STRENGTH
    rows = list(
        Exhibit.objects.filter(hall__venue_id=venue_id, is_active=True)
        .order_by("pk")
        .values_list(
            "pk",
            "title",
            "translations",
            "slug",
            "hall_id",
            "hall__name",
            "hall__translations",
            "hall__floor",
            "dwell_minutes",
            "expected_emotions",
            "emotion_profile_stats__visitors",
            "emotion_profile_stats__shares",
            "emotion_profile_stats__top_shares",
        )
    )
    ids = [row[0] for row in rows]
    index = {pk: i for i, pk in enumerate(ids)}
    n, size = len(rows), len(labels)
    sums, counts = np.zeros((n, size)), np.zeros(n)
    top, priors = np.zeros((n, size)), np.zeros((n, size))
    exhibits = []
    for i, row in enumerate(rows):
        pk, title, translations, slug, hall_id, hall_name, hall_translations, floor = row[:8]
        prior, visitors, shares, top_shares = row[9:]
        hall = selectors._localized(hall_name, hall_translations, language, "name")
        exhibits.append(
            ExhibitSummary(pk, selectors._localized(title, translations, language), slug, hall_id, hall, floor)
        )
        bucket, shown = selectors.published_evidence(visitors, shares)
        sums[i] = ranking.sums_vector(shown, labels) * bucket
        top[i] = ranking.sums_vector(top_shares if bucket else {}, labels) * bucket
        counts[i] = float(bucket)
        priors[i] = ranking.prior_vector(prior, labels, settings.RECOMMENDATIONS_PRIOR_CONFIDENCE)
    tag_pairs = list(Exhibit.tags.through.objects.filter(exhibit_id__in=ids).values_list("exhibit_id", "tag_id"))
    tag_index = {tag: t for t, tag in enumerate(sorted({tag for _, tag in tag_pairs}))}
    tags = np.zeros((n, len(tag_index)), dtype=bool)
    for exhibit_id, tag_id in tag_pairs:
        tags[index[exhibit_id], tag_index[tag_id]] = True
    profiles = ranking.smoothed_profiles(sums, counts, priors, strength) if n else np.zeros((0, size))
    total = counts.sum()
    population = sums.sum(axis=0) / total if total > 0 else (profiles.mean(axis=0) if n else np.ones(size) / size)
    return VenueRankingData(
        venue_id=venue_id,
        labels=tuple(labels),
        language=language,
        exhibits=exhibits,
        index=index,
        profiles=profiles,
        top_label_shares=top / np.maximum(counts, 1.0)[:, np.newaxis],
        visitors=counts,
        dwell=np.array([float(row[8]) for row in rows]),
        hall_ids=np.array([row[4] for row in rows], dtype=np.int64),
        tags=tags,
        population_mean=np.asarray(population, dtype=np.float64),
    )


def assert_identical(found: VenueRankingData, expected: VenueRankingData) -> None:
    """Every field equal, floats bit for bit."""
    assert (found.venue_id, found.labels, found.language) == (expected.venue_id, expected.labels, expected.language)
    assert found.exhibits == expected.exhibits
    assert found.index == expected.index
    for name in ("profiles", "top_label_shares", "visitors", "dwell", "hall_ids", "tags", "population_mean"):
        left, right = getattr(found, name), getattr(expected, name)
        assert left.dtype == right.dtype and left.shape == right.shape, name
        assert left.tobytes() == right.tobytes(), name


@dataclass
class GeneratedVenue:
    venue: Venue
    exhibits: list[Exhibit]
    tags: list[Tag]


def random_scores(rng: random.Random, labels: Sequence[str]) -> dict[str, float]:
    raw = [rng.random() ** 3 for _ in labels]
    return {label: value / sum(raw) for label, value in zip(labels, raw, strict=True)}


@pytest.fixture
def generated_venue() -> GeneratedVenue:
    """Three halls (two with Russian names), 36 exhibits with odd priors, tags, inactive ones and 0-60 visitors each."""
    rng = random.Random(17)
    venue = VenueFactory.create()
    halls = [
        HallFactory.create(venue=venue, floor=h, translations={"ru": {"name": f"Зал {h}"}} if h < 2 else {})
        for h in range(3)
    ]
    PassageFactory.create(hall_a=halls[0], hall_b=halls[1])
    PassageFactory.create(hall_a=halls[1], hall_b=halls[2])
    tags = [TagFactory.create(slug=f"theme-{t}") for t in range(5)]
    priors: list[dict[str, Any]] = [
        {},
        {"happy": 1.0},
        {"surprise": 3, "fear": 1},
        {"sad": 0.0, "angry": -1.0},
        {"contempt": 2.0},
        {"neutral": 0.2, "happy": 0.2, "surprise": 0.6},
    ]
    exhibits = []
    for i in range(36):
        exhibit = ExhibitFactory.create(
            hall=halls[i % 3],
            position_x_m=rng.uniform(0, 40),
            position_y_m=rng.uniform(0, 30),
            dwell_minutes=rng.randint(1, 9),
            expected_emotions=priors[i % len(priors)],
            translations={"ru": {"title": f"Экспонат {i}"}} if i % 4 else {},
            tags=rng.sample(tags, rng.randint(0, 3)),
        )
        exhibits.append(exhibit)
    visitors = Visitor.objects.bulk_create(
        Visitor(consent_emotion_analysis=True, consent_given_at=venue.created_at, consent_version="t")
        for _ in range(80)
    )
    # Events loaded without signals, then published as the rebuild command would: 0-60 visitors per exhibit,
    # some with several selfies, so visitor buckets, rounding and top shares all vary.
    captures, events = [], []
    for exhibit in exhibits:
        for visitor in rng.sample(visitors, rng.choice([0, 2, 5, 7, 12, 25, 60])):
            for _ in range(rng.choice([1, 1, 3])):
                capture = Capture(visitor=visitor, exhibit=exhibit, status=CaptureStatus.DONE)
                captures.append(capture)
                scores = random_scores(rng, LABELS)
                label = max(scores, key=lambda name: scores[name])
                events.append(
                    EmotionEvent(
                        capture=capture,
                        visitor=visitor,
                        exhibit=exhibit,
                        label=label,
                        confidence=scores[label],
                        scores=scores,
                        model_version="t",
                    )
                )
    Capture.objects.bulk_create(captures)
    EmotionEvent.objects.bulk_create(events)
    profiles_publish()
    # A snapshot published under an older model's label set (no "disgust", an extra "contempt").
    older = ("angry", "contempt", "fear", "happy", "neutral", "sad", "surprise")
    profile, _ = ExhibitEmotionProfile.objects.get_or_create(exhibit=exhibits[1])
    profile.hold(disclosure.profile_snapshot([random_scores(rng, older) for _ in range(9)], older))
    profile.save()
    exhibits_set_active(exhibits=Exhibit.objects.filter(pk__in=[exhibits[5].pk, exhibits[6].pk]), is_active=False)
    return GeneratedVenue(venue, exhibits, tags)


@pytest.mark.parametrize("k", [5, 3])
@pytest.mark.parametrize("language", ["", "en", "ru"])
def test_the_vectors_give_bit_for_bit_the_inputs_the_json_snapshots_gave(
    generated_venue: GeneratedVenue, settings: SettingsWrapper, k: int, language: str
) -> None:
    settings.REPORT_MIN_GROUP_SIZE = k
    venue_id = generated_venue.venue.pk
    expected = json_ranking_data(venue_id, labels=LABELS, language=language)
    # The generated data exercises what it should: published and unpublished rows, translations, tags.
    assert 0 < int((expected.visitors > 0).sum()) < len(expected.exhibits) == 34
    assert expected.tags.any() and (language != "ru" or any(e.title.startswith("Экспонат") for e in expected.exhibits))
    assert_identical(selectors.load_venue_ranking_data(venue_id, labels=LABELS, language=language), expected)
    assert_identical(selectors.venue_ranking_data(venue_id, labels=LABELS, language=language), expected)
    assert_identical(selectors.venue_ranking_data(venue_id, labels=LABELS, language=language), expected)


def test_recommendations_and_routes_are_the_same_as_from_json(
    generated_venue: GeneratedVenue, monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    # Routes stop by the search's own rule, not by a clock that a loaded machine could make bite.
    settings.ROUTE_TIME_LIMIT_SECONDS = 60
    visitor = VisitorFactory.create(language="ru")
    exhibits = list(Exhibit.objects.filter(hall__venue=generated_venue.venue, is_active=True).order_by("pk")[:6])
    wishes = [["happy"], ["surprise", "fear"], ["sad"]]

    def answers() -> list[Any]:
        from recommendations.services import route_plan

        found: list[Any] = []
        for exhibit, emotions in zip(exhibits, wishes * 2, strict=True):
            found.append(selectors.recommendations_for(visitor=visitor, from_exhibit=exhibit.pk, emotions=emotions))
            found.append(
                route_plan(visitor=visitor, start_exhibit=exhibit.pk, time_budget_minutes=25, emotions=emotions)
            )
        return found

    fast = answers()
    monkeypatch.setattr(selectors, "venue_ranking_data", json_ranking_data)
    assert answers() == fast


def test_a_venue_where_nothing_changed_costs_one_query(
    generated_venue: GeneratedVenue, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    venue_id = generated_venue.venue.pk
    first = selectors.venue_ranking_data(venue_id, labels=LABELS, language="ru")
    with django_assert_num_queries(1):
        again = selectors.venue_ranking_data(venue_id, labels=LABELS, language="ru")
    assert again is first


def test_a_published_snapshot_is_read_by_the_next_request(generated_venue: GeneratedVenue) -> None:
    venue_id = generated_venue.venue.pk
    published = set(ExhibitEmotionProfile.objects.filter(visitors__gt=0).values_list("exhibit_id", flat=True))
    quiet = Exhibit.objects.filter(hall__venue_id=venue_id, is_active=True).exclude(pk__in=published).first()
    assert quiet is not None
    before = selectors.venue_ranking_data(venue_id, labels=LABELS)
    assert before.visitors[before.index[quiet.pk]] == 0
    for _ in range(5):  # stored as the worker stores them: the fifth visitor's event publishes a snapshot
        EmotionEventFactory.create(capture__exhibit=quiet, label="sad", scores={"sad": 1.0})
    after = selectors.venue_ranking_data(venue_id, labels=LABELS)
    assert after.visitors[after.index[quiet.pk]] == 5
    assert_identical(after, json_ranking_data(venue_id, labels=LABELS))


def _edit_prior(venue: GeneratedVenue) -> None:
    exhibit = venue.exhibits[0]
    exhibit.expected_emotions = {"angry": 1.0}
    exhibit.save()


def _take_off_display(venue: GeneratedVenue) -> None:
    exhibits_set_active(exhibits=Exhibit.objects.filter(pk=venue.exhibits[3].pk), is_active=False)


def _put_back_on_display(venue: GeneratedVenue) -> None:
    exhibits_set_active(exhibits=Exhibit.objects.filter(pk=venue.exhibits[5].pk), is_active=True)


def _tag_an_exhibit(venue: GeneratedVenue) -> None:
    venue.exhibits[0].tags.add(TagFactory.create(slug="new-theme"))


def _untag_from_the_tag_side(venue: GeneratedVenue) -> None:
    tag = next(t for t in venue.tags if t.exhibits.exists())
    tag.exhibits.remove(*tag.exhibits.all())


def _delete_a_tag(venue: GeneratedVenue) -> None:
    next(t for t in venue.tags if t.exhibits.exists()).delete()


def _rename_a_hall(venue: GeneratedVenue) -> None:
    hall = Hall.objects.get(pk=venue.exhibits[0].hall_id)
    hall.translations = {"ru": {"name": "Новый зал"}}
    hall.save()


def _move_an_exhibit_away(venue: GeneratedVenue) -> None:
    exhibit = venue.exhibits[2]
    exhibit.hall = HallFactory.create()
    exhibit.save()


def _delete_an_exhibit(venue: GeneratedVenue) -> None:
    Exhibit.objects.get(pk=venue.exhibits[4].pk).delete()


def _delete_a_snapshot(venue: GeneratedVenue) -> None:
    ExhibitEmotionProfile.objects.filter(exhibit__hall__venue=venue.venue, visitors__gte=10).first().delete()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "edit",
    [
        _edit_prior,
        _take_off_display,
        _put_back_on_display,
        _tag_an_exhibit,
        _untag_from_the_tag_side,
        _delete_a_tag,
        _rename_a_hall,
        _move_an_exhibit_away,
        _delete_an_exhibit,
        _delete_a_snapshot,
    ],
)
def test_a_staff_edit_is_read_by_the_next_request(
    generated_venue: GeneratedVenue, edit: Callable[[GeneratedVenue], None]
) -> None:
    venue_id = generated_venue.venue.pk
    before = selectors.venue_ranking_data(venue_id, labels=LABELS, language="ru")
    edit(generated_venue)
    after = selectors.venue_ranking_data(venue_id, labels=LABELS, language="ru")
    assert after is not before
    assert_identical(after, json_ranking_data(venue_id, labels=LABELS, language="ru"))
