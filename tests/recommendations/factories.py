"""Typed factory_boy factories for visitors, captures and emotion events (catalogue ones: tests.exhibits)."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from emotions.models import Capture, CaptureStatus, EmotionEvent, Visitor
from tests.exhibits.factories import ExhibitFactory


class VisitorFactory(DjangoModelFactory[Visitor]):
    class Meta:
        model = Visitor

    language = "en"
    desired_emotions = factory.LazyFunction(lambda: ["happy"])
    consent_emotion_analysis = True
    consent_given_at = factory.LazyFunction(timezone.now)
    consent_version = "test"


class CaptureFactory(DjangoModelFactory[Capture]):
    class Meta:
        model = Capture

    visitor = factory.SubFactory(VisitorFactory)
    exhibit = factory.SubFactory(ExhibitFactory)
    status = CaptureStatus.DONE


class EmotionEventFactory(DjangoModelFactory[EmotionEvent]):
    class Meta:
        model = EmotionEvent

    capture = factory.SubFactory(CaptureFactory)
    visitor = factory.SelfAttribute("capture.visitor")
    exhibit = factory.SelfAttribute("capture.exhibit")
    label = "happy"
    confidence = 0.9
    scores = factory.LazyAttribute(lambda event: {event.label: 1.0})
    model_version = "test-model"
