"""factory_boy factories for emotions tests (catalogue rows come from tests.exhibits.factories).

Call them as `XFactory.create(...)`, which mypy types as the model (calling the class is untyped).
"""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from emotions.models import Capture, CaptureStatus, EmotionEvent, Visitor, VisitorToken
from tests.exhibits.factories import ExhibitFactory


class VisitorFactory(DjangoModelFactory[Visitor]):
    class Meta:
        model = Visitor

    language = "en"
    consent_emotion_analysis = True
    consent_given_at = factory.LazyFunction(timezone.now)
    consent_version = "test"


def visitor_key(visitor: Visitor) -> str:
    """Give the visitor a fresh API key and return it in clear text."""
    key = VisitorToken.generate_key()
    VisitorToken.objects.create(digest=VisitorToken.hash_key(key), visitor=visitor)
    return key


class CaptureFactory(DjangoModelFactory[Capture]):
    class Meta:
        model = Capture

    visitor = factory.SubFactory(VisitorFactory)
    exhibit = factory.SubFactory(ExhibitFactory)
    status = CaptureStatus.PENDING


class EmotionEventFactory(DjangoModelFactory[EmotionEvent]):
    class Meta:
        model = EmotionEvent

    capture = factory.SubFactory(CaptureFactory, status=CaptureStatus.DONE)
    visitor = factory.SelfAttribute("capture.visitor")
    exhibit = factory.SelfAttribute("capture.exhibit")
    label = "a"
    confidence = 0.75
    scores = factory.LazyAttribute(lambda event: {event.label: 0.75, "other": 0.25})
    model_version = "test-model"
