"""Data migration: fill the rollup levels of 0007 from the report rows (hall x date x hour, hall and venue x
week x hour, exhibit x week, exhibit and hall x month)."""

from typing import Any

from django.db import migrations

# reports.models.RollupLevel: HALL_DAY_HOUR, HALL_WEEK_HOUR, VENUE_WEEK_HOUR, EXHIBIT_WEEK, EXHIBIT_MONTH, HALL_MONTH.
NEW_LEVELS = (9, 10, 11, 12, 13, 14)


def build(apps: Any, schema_editor: Any) -> None:
    """The new levels' buckets of every venue (the current code: the rollup format is that module's)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from reports.rollups import rollups_rebuild

    rollups_rebuild(levels=NEW_LEVELS)
    # Fresh statistics, so that the planner reads the new levels through the (level, hall, date) and
    # (level, exhibit, date) indexes at once rather than after autovacuum's next pass.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_reportrollup")


def clear(apps: Any, schema_editor: Any) -> None:
    """Back: no buckets of the new levels (the code before them neither writes nor reads them)."""
    apps.get_model("reports", "ReportRollup").objects.filter(level__in=NEW_LEVELS).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_rollup_levels_hall_hours_and_weeks")]

    operations = [migrations.RunPython(build, clear)]
