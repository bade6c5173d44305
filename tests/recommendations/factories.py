"""Factories for recommendation tests: the emotions ones, with a visitor who wants to look happy."""

import factory

from emotions.models import CaptureStatus
from tests.emotions import factories as emotion_factories


class VisitorFactory(emotion_factories.VisitorFactory):
    desired_emotions = factory.LazyFunction(lambda: ["happy"])


class CaptureFactory(emotion_factories.CaptureFactory):
    visitor = factory.SubFactory(VisitorFactory)
    status = CaptureStatus.DONE


class EmotionEventFactory(emotion_factories.EmotionEventFactory):
    capture = factory.SubFactory(CaptureFactory)
    label = "happy"
    confidence = 0.9
    scores = factory.LazyAttribute(lambda event: {event.label: 1.0})
