"""The privacy notice a visitor's consent refers to (its version is settings.PRIVACY_NOTICE_VERSION)."""

from django.conf import settings

NOTICE_TEXT = """\
Emotion analysis is optional and only runs if you agree to it. You can withdraw your consent at any
time in the app; captures still waiting to be processed are then discarded.

What happens to your selfie: it is sent to our server, a face is located and a model estimates the
facial expression it shows (for example "happy" or "surprise"). These are emotions your face
expressed at that moment, not a judgement of what you felt. The photo is deleted right after
processing; it is never shown to anyone, never made public, and its metadata (such as GPS location)
is removed on upload.

What we keep: the expression label with its probabilities, the exhibit and the time, linked to a
random app identifier. We do not know who you are: no name, no e-mail, no face templates, no face
matching and no age, gender or ethnicity estimation. Museum staff only see aggregate statistics in
which small groups are hidden.

Your rights: the app lets you download everything stored about you and delete it all at once.
"""


def privacy_notice() -> dict[str, str]:
    """The current notice: version and text."""
    return {"version": settings.PRIVACY_NOTICE_VERSION, "text": NOTICE_TEXT}
