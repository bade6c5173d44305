"""The privacy notice a visitor's consent refers to (its version is settings.PRIVACY_NOTICE_VERSION)."""

from django.conf import settings

from museum_guide.disclosure import min_group_size

NOTICE_TEXT = """\
Emotion analysis is optional and only runs if you agree to it. You can withdraw your consent at any
time in the app; captures still waiting to be processed are then discarded.

What happens to your selfie: it is sent to our server, a face is located and a model estimates the
facial expression it shows (for example "happy" or "surprise"). These are emotions your face
expressed at that moment, not a judgement of what you felt. The photo is deleted right after
processing; it is never shown to anyone, never made public, and its metadata (such as GPS location)
is removed on upload.

Reading on your phone instead: an app may read the expression on the phone itself, with the same model
downloaded from us. Then the photo never leaves your phone; only the expression scores are sent, and we
store them exactly as if we had read them, marked as read on the device.

What we keep: the expression label with its probabilities, the exhibit and the time, linked to a
random app identifier. We do not know who you are: no name, no e-mail, no face templates, no face
matching and no age, gender or ethnicity estimation.

What is published, and to whom: nothing that describes fewer than {k} visitors.
- Anyone (the exhibit pages of the app and the public API) sees, per exhibit, the mix of expressions
  visitors showed there, apart from the curators' own expectation. It is a snapshot: it changes only
  after at least {k} new visitors took a selfie there, each visitor counts once however many selfies
  they took, shares are rounded to whole percent and visitor numbers are shown as 5, 10, 20, 50, 100 ...
  So nobody can tell from it what your selfie showed. Recommendations and routes use the same snapshot.
- Museum staff and analysts see reports (tables, CSV files, charts) per exhibit, hall, venue, day, hour
  or weekday. A group seen by fewer than {k} visitors shows no numbers; an expression seen on fewer than
  {k} visitors of a group is hidden together with one more; every count is changed by up to 2 in a way
  that stays the same for the same group, so that comparing reports does not reveal a small group.
- Staff do not see individual records. A few system administrators can open them, only to answer a
  support request; every such access is logged.

How long: if you take no selfie and change none of your settings for {retention_days} days, everything
stored about you is deleted automatically. We keep a history of when you gave or withdrew consent, and
under which version of this notice, for as long as we keep your other data.

Your rights: the app lets you download everything stored about you (the consent history included) and
delete it all at once. Statistics published before you deleted your data stay as they are: they
describe at least {k} visitors and nothing in them can be traced back to you.
"""


def privacy_notice() -> dict[str, str]:
    """The current notice: version and text (with this deployment's retention period)."""
    text = NOTICE_TEXT.format(retention_days=settings.VISITOR_RETENTION_DAYS, k=min_group_size())
    return {"version": settings.PRIVACY_NOTICE_VERSION, "text": text}
