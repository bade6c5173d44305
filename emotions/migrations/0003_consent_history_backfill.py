"""Start every existing visitor's consent history from what their row says (the earlier changes are lost)."""

from typing import Any

from django.db import migrations


def backfill(apps: Any, schema_editor: Any) -> None:
    visitor_model = apps.get_model("emotions", "Visitor")
    record_model = apps.get_model("emotions", "ConsentRecord")
    records = [
        record_model(
            visitor=visitor, action=action, notice_version=visitor.consent_version, created_at=getattr(visitor, field)
        )
        for field, action in (("consent_given_at", "granted"), ("consent_withdrawn_at", "withdrawn"))
        for visitor in visitor_model.objects.exclude(**{field: None}).iterator()
    ]
    record_model.objects.bulk_create(records, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("emotions", "0002_consent_history_and_personal_data_access")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
