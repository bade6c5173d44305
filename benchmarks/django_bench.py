"""Django set-up shared by the benchmark scripts: production-like settings (DEBUG off) on any DATABASE_URL."""

import os
import sys
from pathlib import Path

import django

# The label set of FER2013 models, for benchmarks that run without a checkpoint.
FER_LABELS = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")


def setup() -> None:
    """Make the project importable, fill in benchmark-only settings the environment lacks, start Django."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum_guide.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnop")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    django.setup()
