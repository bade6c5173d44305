"""Floor plans: the geometry of a venue's floors, drawn as a sketch for the exhibit admin and served as data
to the visitor app (`venue_floor_plans`, `GET /api/v1/venues/{id}/floor-plan/`).

Halls have no drawn outlines in the data, only positions (metres from the floor plan's top-left
corner, shared by all halls of a floor). A hall is drawn as the box around its exhibits (`hall_box`;
not around its doors, which sit on walls shared with the next hall). The admin sketch shows every
exhibit as a dot, doors as squares and the edited exhibit as a ring, in plan metres (the SVG's user
units), so a script can move the ring as staff type new coordinates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from exhibits.models import Exhibit, Hall, Passage, Venue

# Plan margin (metres) around the outermost point, and the padding of a hall's box around its points.
MARGIN_M = 2.0
HALL_PADDING_M = 1.5


@dataclass(frozen=True)
class PlanPoint:
    """A thing on the plan: an exhibit or a door, in metres."""

    x: float
    y: float
    hall_id: int
    title: str


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle on the plan, in metres."""

    x: float
    y: float
    width: float
    height: float


def hall_box(members: Sequence[PlanPoint]) -> Box:
    """The box drawn for a hall: around its exhibits, padded, never past the plan's top-left corner."""
    x0 = max(0.0, min(p.x for p in members) - HALL_PADDING_M)
    y0 = max(0.0, min(p.y for p in members) - HALL_PADDING_M)
    x1, y1 = max(p.x for p in members) + HALL_PADDING_M, max(p.y for p in members) + HALL_PADDING_M
    return Box(x0, y0, x1 - x0, y1 - y0)


def floor_points(exhibit: Exhibit) -> tuple[list[PlanPoint], list[PlanPoint], dict[int, str]]:
    """Exhibits and doors on the exhibit's floor of its venue, and the names of the halls there."""
    hall = exhibit.hall
    on_floor = Q(hall__venue_id=hall.venue_id, hall__floor=hall.floor)
    exhibits = [
        PlanPoint(x, y, hall_id, title)
        for pk, x, y, hall_id, title in Exhibit.objects.filter(on_floor)
        .exclude(pk=exhibit.pk)
        .values_list("pk", "position_x_m", "position_y_m", "hall_id", "title")
    ]
    doors: list[PlanPoint] = []
    passages = Passage.objects.filter(
        Q(hall_a__venue_id=hall.venue_id) & (Q(hall_a__floor=hall.floor) | Q(hall_b__floor=hall.floor))
    ).select_related("hall_a", "hall_b")
    for passage in passages:
        if passage.hall_a.floor == hall.floor:
            doors.append(PlanPoint(passage.door_a_x_m, passage.door_a_y_m, passage.hall_a_id, str(passage)))
        if passage.hall_b.floor == hall.floor:
            doors.append(PlanPoint(passage.door_b_x_m, passage.door_b_y_m, passage.hall_b_id, str(passage)))
    names = dict(hall.venue.halls.filter(floor=hall.floor).values_list("pk", "name"))
    return exhibits, doors, names


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def floor_plan_svg(exhibit: Exhibit) -> SafeString:
    """An inline SVG of the exhibit's floor with the exhibit marked (`data-position-preview` for the script)."""
    exhibits, doors, names = floor_points(exhibit)
    own = PlanPoint(exhibit.position_x_m, exhibit.position_y_m, exhibit.hall_id, exhibit.title)
    points = [*exhibits, *doors, own]
    width = max(point.x for point in points) + MARGIN_M
    height = max(point.y for point in points) + MARGIN_M
    # Text and marks scale with the plan, so a 20 m hall and a 300 m park read alike.
    unit = max(width, height) / 60
    boxes = []
    for hall_id, name in sorted(names.items(), key=lambda item: item[1]):
        # Exhibits only: doors sit on shared walls and would stretch a box over the neighbouring hall.
        members = [point for point in [*exhibits, own] if point.hall_id == hall_id]
        if not members:
            continue
        box = hall_box(members)
        boxes.append(
            (
                "plan-hall own-hall" if hall_id == exhibit.hall_id else "plan-hall",
                _number(box.x),
                _number(box.y),
                _number(box.width),
                _number(box.height),
                _number(box.x + unit * 0.4),
                _number(box.y + unit * 1.6),
                _number(unit * 1.4),
                name,
            )
        )
    hall_boxes = format_html_join(
        "", '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="0.5"></rect>', (box[:5] for box in boxes)
    )
    # Names go on top of the dots, so they stay readable where an exhibit stands near a hall's corner.
    hall_names = format_html_join("", '<text x="{}" y="{}" font-size="{}">{}</text>', (box[5:] for box in boxes))
    dots = format_html_join(
        "",
        '<circle class="{}" cx="{}" cy="{}" r="{}"><title>{}</title></circle>',
        (
            (
                "plan-exhibit same-hall" if point.hall_id == exhibit.hall_id else "plan-exhibit",
                _number(point.x),
                _number(point.y),
                _number(unit * 0.8),
                point.title,
            )
            for point in exhibits
        ),
    )
    door_marks = format_html_join(
        "",
        '<rect class="plan-door" x="{}" y="{}" width="{}" height="{}"><title>Door: {}</title></rect>',
        (
            (_number(p.x - unit * 0.6), _number(p.y - unit * 0.6), _number(unit * 1.2), _number(unit * 1.2), p.title)
            for p in doors
        ),
    )
    return format_html(
        '<figure class="floor-plan"><svg data-position-preview viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="floor-plan-caption" preserveAspectRatio="xMinYMin meet">'
        '<rect class="plan-floor" x="0" y="0" width="{}" height="{}"></rect>{}{}{}'
        '<circle class="plan-this" data-this-exhibit cx="{}" cy="{}" r="{}" stroke-width="{}"><title>{}</title>'
        "</circle>{}</svg>"
        '<figcaption id="floor-plan-caption">Floor {} of {}, {} m by {} m: this exhibit (ring; saved at '
        "x {} m, y {} m), other exhibits (dots; darker in this hall), doors (squares) and halls "
        "(boxes around their exhibits)."
        "</figcaption></figure>",
        _number(width),
        _number(height),
        _number(width),
        _number(height),
        hall_boxes,
        door_marks,
        dots,
        _number(own.x),
        _number(own.y),
        _number(unit * 1.3),
        _number(unit * 0.6),
        own.title,
        hall_names,
        exhibit.hall.floor,
        exhibit.hall.venue.name,
        _number(width),
        _number(height),
        _number(own.x),
        _number(own.y),
    )


# --- the visitor app's plans (data; the app draws them) ---------------------------------------------------


@dataclass(frozen=True)
class PlanHall:
    """A hall on a floor plan: its name in the reader's language and its drawn box (null: no exhibits)."""

    id: int
    name: str
    is_step_free: bool
    box: Box | None


@dataclass(frozen=True)
class PlanExhibit:
    """An exhibit on display, where it stands."""

    id: int
    slug: str
    title: str
    hall: int
    x: float
    y: float


@dataclass(frozen=True)
class PlanDoor:
    """One end of a passage on this floor; `to_floor` differs from the floor for stairs, lifts and the like."""

    passage: int
    kind: str
    is_step_free: bool
    hall: int
    to_hall: int
    to_floor: int
    x: float
    y: float


@dataclass
class FloorPlan:
    """One floor of a venue: its extent (metres, with a margin), halls, exhibits and doors."""

    floor: int
    width_m: float = 0.0
    height_m: float = 0.0
    halls: list[PlanHall] = field(default_factory=list)
    exhibits: list[PlanExhibit] = field(default_factory=list)
    doors: list[PlanDoor] = field(default_factory=list)


def venue_floor_plans(venue: Venue, languages: Iterable[str]) -> list[FloorPlan]:
    """Every floor of `venue` with halls, the exhibits on display and passage ends, texts in `languages`."""
    preferred = list(languages)
    halls = list(Hall.objects.filter(venue=venue).select_related("venue").order_by("floor", "name", "id"))
    hall_floor = {hall.pk: hall.floor for hall in halls}
    plans = {floor: FloorPlan(floor) for floor in sorted(set(hall_floor.values()))}
    exhibits = Exhibit.objects.on_display().filter(hall__venue=venue).select_related("hall__venue")
    points: dict[int, list[PlanPoint]] = {}
    for exhibit in exhibits.order_by("title", "id"):
        title = exhibit.text("title", exhibit.language_for(preferred))
        point = PlanPoint(exhibit.position_x_m, exhibit.position_y_m, exhibit.hall_id, title)
        points.setdefault(exhibit.hall_id, []).append(point)
        plans[hall_floor[exhibit.hall_id]].exhibits.append(
            PlanExhibit(exhibit.pk, exhibit.slug, title, exhibit.hall_id, point.x, point.y)
        )
    for hall in halls:
        members = points.get(hall.pk)
        name = hall.text("name", hall.language_for(preferred))
        box = hall_box(members) if members else None
        plans[hall.floor].halls.append(PlanHall(hall.pk, name, hall.is_step_free, box))
    for passage in Passage.objects.filter(hall_a__venue=venue).order_by("pk"):
        ends = (
            (passage.hall_a_id, passage.door_a_x_m, passage.door_a_y_m, passage.hall_b_id),
            (passage.hall_b_id, passage.door_b_x_m, passage.door_b_y_m, passage.hall_a_id),
        )
        for hall_id, x, y, other in ends:
            door = PlanDoor(passage.pk, passage.kind, passage.is_step_free, hall_id, other, hall_floor[other], x, y)
            plans[hall_floor[hall_id]].doors.append(door)
    for plan in plans.values():
        xs = [e.x for e in plan.exhibits] + [d.x for d in plan.doors]
        ys = [e.y for e in plan.exhibits] + [d.y for d in plan.doors]
        xs += [h.box.x + h.box.width for h in plan.halls if h.box]
        ys += [h.box.y + h.box.height for h in plan.halls if h.box]
        plan.width_m = round(max(xs, default=0.0) + MARGIN_M, 2)
        plan.height_m = round(max(ys, default=0.0) + MARGIN_M, 2)
    return list(plans.values())
