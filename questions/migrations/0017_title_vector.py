"""A small stored title vector, GIN-indexed: a search takes its candidates from
the questions whose title matches first (questions.search.bounded).

Filled here on PostgreSQL for existing rows; questions.search.index_questions
keeps it with search_vector afterwards (SQLite does not use it).
"""

import django.contrib.postgres.search
from django.db import migrations


INDEX = "question_title_vector_gin"


def fill_and_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE questions_question SET title_vector = to_tsvector('english'::regconfig, title)"
        )
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON questions_question USING gin (title_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0016_top_answer"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_and_index, drop_index),
    ]
