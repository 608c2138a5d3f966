"""Similar questions on PostgreSQL: the pg_trgm extension and a trigram index on
titles. Both steps do nothing on SQLite, which ranks by shared words instead.

pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the owner
of the database can create it without being a superuser.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "question_title_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON questions_question "
            "USING gin (title gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0009_bookmark_removed_at"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
