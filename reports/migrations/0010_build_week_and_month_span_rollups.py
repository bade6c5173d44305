"""Data migration: fill the exhibit x week, exhibit x month and hall x month rollup levels of 0009 from the report rows."""

from typing import Any

from django.db import migrations

# reports.models.RollupLevel: EXHIBIT_WEEK, EXHIBIT_MONTH, HALL_MONTH.
NEW_LEVELS = (12, 13, 14)


def build(apps: Any, schema_editor: Any) -> None:
    """The new levels' buckets of every venue (the current code: the rollup format is that module's)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from reports.rollups import rollups_rebuild

    rollups_rebuild(levels=NEW_LEVELS)
    # Fresh statistics, so that the planner reads the new levels through the (level, exhibit, date) and (level, hall, date) indexes
    # at once rather than after autovacuum's next pass.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_reportrollup")


def clear(apps: Any, schema_editor: Any) -> None:
    """Back: no buckets of the new levels (the code before them neither writes nor reads them)."""
    apps.get_model("reports", "ReportRollup").objects.filter(level__in=NEW_LEVELS).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_rollup_levels_week_and_month_spans")]

    operations = [migrations.RunPython(build, clear)]
