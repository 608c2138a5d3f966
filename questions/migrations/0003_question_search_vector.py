"""Full-text search on PostgreSQL: a stored vector per question and its GIN index.

Fill it for existing rows with `manage.py rebuild_search_index`.
"""

import django.contrib.postgres.search
from django.db import migrations

INDEX = "question_search_vector_gin"


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON questions_question USING gin (search_vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")



class Migration(migrations.Migration):

    dependencies = [
        ('questions', '0002_moderators_group'),
    ]

    operations = [
        migrations.AddField(
            model_name='question',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        # GIN only exists on PostgreSQL; SQLite searches with a plain match.
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
