"""The Moderators group and its permissions, so a fresh database has them.

The list is this migration's own copy, as it stood then: later migrations add
what later models need, so changing accounts/permissions.py never changes what
this one did.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import Q

MODERATOR_PERMISSIONS = [
    ("questions", "source", ("view", "add", "change")),
    ("questions", "topic", ("view", "add", "change")),
    ("questions", "question", ("view", "change")),
    ("questions", "answer", ("view", "change")),
    ("questions", "answerrevision", ("view",)),
    ("questions", "proposal", ("view", "change")),
    ("questions", "comment", ("view", "change")),
    ("questions", "flag", ("view", "change")),
    ("questions", "vote", ("view",)),
    ("accounts", "user", ("view", "change")),
]


def grant_moderator_permissions(group, Permission, permissions=MODERATOR_PERMISSIONS):
    wanted = Q()
    for app_label, model, actions in permissions:
        for action in actions:
            wanted |= Q(content_type__app_label=app_label, codename=f"{action}_{model}")
    group.permissions.add(*Permission.objects.filter(wanted))


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist.
    for app_label in {app for app, _, _ in MODERATOR_PERMISSIONS}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # a migration stub has none; permissions need one
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    grant_moderator_permissions(group, Permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("questions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
