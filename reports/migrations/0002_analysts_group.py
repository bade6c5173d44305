"""Data migration: the `analysts` group, whose members may read reports."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

ANALYSTS_GROUP = "analysts"


def create_group(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=ANALYSTS_GROUP)


def delete_group(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=ANALYSTS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
