"""Moderators see the background tasks in the admin (read-only), failed ones with
their error. The permission list is this migration's own copy."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WANTED = [("django_tasks_database", "view_dbtaskresult")]


def _permissions(apps):
    app_config = apps.get_app_config("django_tasks_database")
    app_config.models_module = True  # a migration stub has none; permissions need one
    create_permissions(app_config, apps=apps, verbosity=0)
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in WANTED
    ]


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Moderators").first()
    if group is not None:
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Moderators").first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("questions", "0002_moderators_group"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
