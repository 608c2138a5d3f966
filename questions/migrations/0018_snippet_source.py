"""A search's snippets come from a short stored text (the start of the body and
the published answers) instead of the whole document: ``ts_headline`` costs
grow faster than its input (questions.search.SNIPPET_SOURCE_CHARS).

Filled here on PostgreSQL for existing rows; questions.search.index_questions
keeps it with search_vector afterwards (SQLite does not use it).
"""

from django.db import migrations, models

# The same text as questions.search.snippet_source(), frozen here.
FILL = """
UPDATE questions_question q SET snippet_source = LEFT(
    COALESCE(q.body, '') || E'\\n' || COALESCE((
        SELECT STRING_AGG(a.body, E'\\n') FROM questions_answer a
        WHERE a.status = 'published' AND a.question_id = q.id
        GROUP BY a.question_id
    ), ''),
    1000
)
"""


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0017_title_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="snippet_source",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
