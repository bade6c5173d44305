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
which small groups are hidden. A few system administrators can open individual records, only to
answer a support request; every such access is logged.

How long: if you take no selfie and change none of your settings for {retention_days} days, everything
stored about you is deleted automatically. We keep a history of when you gave or withdrew consent, and
under which version of this notice, for as long as we keep your other data.

Your rights: the app lets you download everything stored about you (the consent history included) and
delete it all at once.
"""


def privacy_notice() -> dict[str, str]:
    """The current notice: version and text (with this deployment's retention period)."""
    text = NOTICE_TEXT.format(retention_days=settings.VISITOR_RETENTION_DAYS)
    return {"version": settings.PRIVACY_NOTICE_VERSION, "text": text}
