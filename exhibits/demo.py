"""Seed the demo venue (`manage.py seed_demo`): idempotent, so running it again changes nothing."""

import hashlib
import random
from dataclasses import dataclass
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageDraw

from exhibits import demo_data
from exhibits.models import Exhibit, Hall, Passage, Tag, Venue

IMAGE_SIZE = (320, 240)
# Slots for up to six exhibits in a 20 x 15 m hall, kept clear of the walls and doors.
_SLOTS = [(4.0, 4.0), (10.0, 3.5), (16.0, 4.0), (5.0, 11.0), (11.0, 11.5), (16.0, 10.5)]


@dataclass(frozen=True)
class SeedResult:
    """What the seed left in the database."""

    venue: Venue
    halls: int
    exhibits: int
    passages: int
    images_written: int


def demo_image_bytes(slug: str, title: str) -> bytes:
    """A small abstract JPEG, the same for the same slug (so reseeding writes nothing new)."""
    rng = random.Random(int(hashlib.sha256(slug.encode()).hexdigest()[:16], 16))
    base = tuple(rng.randrange(40, 200) for _ in range(3))
    image = Image.new("RGB", IMAGE_SIZE, base)
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        x0, y0 = rng.randrange(IMAGE_SIZE[0]), rng.randrange(IMAGE_SIZE[1])
        x1, y1 = x0 + rng.randrange(30, 160), y0 + rng.randrange(30, 120)
        colour = tuple(min(255, max(0, c + rng.randrange(-90, 90))) for c in base)
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x0, y0, x1, y1), fill=colour)
    draw.rectangle((0, IMAGE_SIZE[1] - 34, IMAGE_SIZE[0], IMAGE_SIZE[1]), fill=(20, 20, 20))
    draw.text((10, IMAGE_SIZE[1] - 26), title[:48], fill=(240, 240, 240))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=70, optimize=True)
    return buffer.getvalue()


def demo_image_alt(title: str, *, language: str = "en") -> str:
    """The text alternative of the generated picture: it shows shapes and a caption, not the exhibit itself."""
    if language == "ru":
        return f"Демонстрационная картинка: цветные геометрические фигуры и подпись «{title}»."
    return f"Demo picture: coloured geometric shapes above the caption \u201c{title}\u201d."


def _ensure_image(exhibit: Exhibit) -> bool:
    """Give the exhibit its generated image unless it already has it; True when a file was written."""
    name = f"exhibits/demo/{exhibit.slug}.jpg"
    if exhibit.image.name == name and default_storage.exists(name):
        return False
    written = False
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(demo_image_bytes(exhibit.slug, exhibit.title)))
        written = True
    exhibit.image.name = name
    exhibit.save(update_fields=["image", "updated_at"])
    return written


@transaction.atomic
def demo_venue_seed(*, with_images: bool = True) -> SeedResult:
    """Create or update the demo venue, its halls, passages, tags and exhibits to match `demo_data`."""
    venue_data = dict(demo_data.VENUE)
    venue, _ = Venue.objects.update_or_create(slug=venue_data.pop("slug"), defaults=venue_data)
    tags = {
        slug: Tag.objects.update_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in demo_data.TAGS.items()
    }
    halls: dict[str, Hall] = {}
    for hall in demo_data.HALLS:
        halls[hall.slug], _ = Hall.objects.update_or_create(
            venue=venue,
            slug=hall.slug,
            defaults={
                "name": hall.name,
                "description": hall.description,
                "floor": hall.floor,
                "is_step_free": True,
                "translations": {"ru": {"name": hall.name_ru, "description": hall.description_ru}},
            },
        )
    for passage in demo_data.PASSAGES:
        Passage.objects.update_or_create(
            hall_a=halls[passage.hall_a],
            hall_b=halls[passage.hall_b],
            kind=passage.kind,
            defaults={
                "door_a_x_m": passage.door_a[0],
                "door_a_y_m": passage.door_a[1],
                "door_b_x_m": passage.door_b[0],
                "door_b_y_m": passage.door_b[1],
                "walking_seconds": passage.walking_seconds,
                "is_step_free": passage.is_step_free,
            },
        )
    slot_in_hall: dict[str, int] = {}
    images_written = 0
    for item in demo_data.EXHIBITS:
        slot = slot_in_hall.get(item.hall, 0)
        slot_in_hall[item.hall] = slot + 1
        hall_spec = next(h for h in demo_data.HALLS if h.slug == item.hall)
        x, y = hall_spec.origin[0] + _SLOTS[slot][0], hall_spec.origin[1] + _SLOTS[slot][1]
        exhibit, _ = Exhibit.objects.update_or_create(
            slug=item.slug,
            defaults={
                "hall": halls[item.hall],
                "title": item.title,
                "creator": item.creator,
                "period": item.period,
                "description": item.description,
                "position_x_m": x,
                "position_y_m": y,
                "dwell_minutes": item.dwell_minutes,
                "expected_emotions": item.emotions,
                "is_active": True,
                # The caption drawn on the picture is the English title, in either language's alt text.
                "image_alt": demo_image_alt(item.title) if with_images else "",
                "translations": {
                    "ru": {
                        "title": item.title_ru,
                        "creator": item.creator_ru,
                        "period": item.period_ru,
                        "description": item.description_ru,
                        **({"image_alt": demo_image_alt(item.title, language="ru")} if with_images else {}),
                    }
                },
            },
        )
        exhibit.tags.set([tags[slug] for slug in item.tags])
        if with_images:
            images_written += _ensure_image(exhibit)
    return SeedResult(
        venue=venue,
        halls=venue.halls.count(),
        exhibits=Exhibit.objects.filter(hall__venue=venue).count(),
        passages=Passage.objects.filter(hall_a__venue=venue).count(),
        images_written=images_written,
    )
