"""Data migration: fill the report rollups from the existing report rows (PostgreSQL; see reports.rollups)."""

from typing import Any

from django.db import migrations


def build(apps: Any, schema_editor: Any) -> None:
    """Rollups of every venue from the report rows (the current code: the rollup format is that module's)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from reports.rollups import rollups_rebuild

    rollups_rebuild()


def clear(apps: Any, schema_editor: Any) -> None:
    """Back: empty rollups (the schema migration before this one drops the tables)."""
    apps.get_model("reports", "ReportRollup").objects.all().delete()
    apps.get_model("reports", "ReportVisitorNumber").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_report_rollups")]

    operations = [migrations.RunPython(build, clear)]
