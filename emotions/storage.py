"""Private storage for selfies: a filesystem location that is never served under a URL."""

import os
from typing import NoReturn

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="emotions.storage.PrivateMediaStorage")
class PrivateMediaStorage(FileSystemStorage):
    """FileSystemStorage rooted at settings.PRIVATE_MEDIA_ROOT, read on every access, with no URL."""

    # Properties instead of the parent's cached values, so that a changed setting (tests, one-off
    # scripts) takes effect without re-creating the storage bound to the model field.
    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> NoReturn:
        """Selfies have no URL: they are read by the worker only."""
        raise NotImplementedError("Private media is never served.")


private_storage = PrivateMediaStorage()
