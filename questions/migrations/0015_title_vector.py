"""A small stored title vector: a search ranks its matches by it first, cheaply.

Filled here on PostgreSQL for existing rows; questions.search.index_questions
keeps it with search_vector afterwards (SQLite does not use it).
"""

import django.contrib.postgres.search
from django.db import migrations


def fill_title_vectors(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE questions_question SET title_vector = to_tsvector('english'::regconfig, title)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0014_top_answer"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="title_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_title_vectors, migrations.RunPython.noop),
    ]
