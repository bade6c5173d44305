"""Give every report row its secret cell key (museum_guide.disclosure), so reports can perturb counts."""

from typing import Any

from django.db import migrations, models

BATCH = 5000


def fill_cell_keys(apps: Any, schema_editor: Any) -> None:
    from museum_guide.disclosure import record_key, record_key_prefix

    report_event = apps.get_model("reports", "ReportEvent")
    prefix = record_key_prefix()
    if schema_editor.connection.vendor == "postgresql":
        table = report_event._meta.db_table
        schema_editor.execute(
            f"UPDATE {table} SET cell_key = ('x' || substr(md5(%s || event_id::text), 1, 8))::bit(32)::int & 2147483647",
            [prefix],
        )
        return
    batch = []
    for row in report_event.objects.only("pk").iterator(chunk_size=BATCH):
        row.cell_key = record_key(row.pk, prefix)
        batch.append(row)
        if len(batch) >= BATCH:
            report_event.objects.bulk_update(batch, ["cell_key"])
            batch = []
    report_event.objects.bulk_update(batch, ["cell_key"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_analysts_group")]

    operations = [
        migrations.AddField(model_name="reportevent", name="cell_key", field=models.PositiveIntegerField(default=0, db_default=0)),
        migrations.RunPython(fill_cell_keys, migrations.RunPython.noop),
    ]
