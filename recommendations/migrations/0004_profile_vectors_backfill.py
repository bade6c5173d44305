# Data migration: the float vectors of snapshots published before they existed, from their JSON
# (ExhibitEmotionProfile.hold writes both from now on). Reversing leaves them; 0003's reversal drops them.

from typing import Any

import numpy as np
from django.db import migrations


def fill_vectors(apps: Any, schema_editor: Any) -> None:
    profile_model = apps.get_model("recommendations", "ExhibitEmotionProfile")
    batch = []
    for profile in profile_model.objects.exclude(shares={}).filter(labels="").iterator(chunk_size=1000):
        # Any label order will do: readers map the stored labels to theirs by name.
        labels = list(profile.shares)
        values = [float(profile.shares[label]) for label in labels]
        values += [float((profile.top_shares or {}).get(label, 0.0)) for label in labels]
        profile.labels = "\n".join(labels)
        profile.vectors = np.asarray(values, dtype="<f8").tobytes()
        batch.append(profile)
        if len(batch) == 1000:
            profile_model.objects.bulk_update(batch, ["labels", "vectors"])
            batch = []
    profile_model.objects.bulk_update(batch, ["labels", "vectors"])


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0003_profile_vectors_and_versions"),
    ]

    operations = [
        migrations.RunPython(fill_vectors, migrations.RunPython.noop),
    ]
