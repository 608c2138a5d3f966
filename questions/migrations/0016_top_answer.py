"""The best answer of each question, stored on it (questions.topanswer keeps it).

Filled here for existing rows with the site's ranking written out, so the
migration does not import live code: featured first, judged wrong last, then
score, verified before unverified, oldest first.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce


INDEX = "question_top_score_idx"


def create_score_index(apps, schema_editor):
    # The "top answer score" sort, questions without an answer last. PostgreSQL
    # only: SQLite cannot index NULLS LAST.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON questions_question "
            "(status, top_answer_score DESC NULLS LAST, created_at DESC, id DESC)"
        )


def drop_score_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def fill_top_answers(apps, schema_editor):
    Question = apps.get_model("questions", "Question")
    Answer = apps.get_model("questions", "Answer")
    db = schema_editor.connection.alias
    top = (
        Answer.objects.using(db)
        .filter(question=OuterRef("pk"), status="published")
        .order_by(
            F("is_featured").desc(),
            Case(When(verification="wrong", then=Value(1)), default=Value(0)).asc(),
            F("score").desc(),
            Case(When(verification="verified", then=Value(0)), default=Value(1)).asc(),
            F("created_at").asc(),
            F("id").asc(),
        )
    )
    ids = list(Question.objects.using(db).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        Question.objects.using(db).filter(pk__in=ids[start : start + 2000]).update(
            top_answer=Subquery(top.values("pk")[:1]),
            top_answer_score=Subquery(top.values("score")[:1]),
            # No answer: an empty origin, as the field's default.
            top_answer_origin=Coalesce(Subquery(top.values("origin")[:1]), Value("")),
        )


class Migration(migrations.Migration):

    dependencies = [
        ('questions', '0015_proposal_rejection_reason'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='question',
            name='top_answer',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='questions.answer'),
        ),
        migrations.AddField(
            model_name='question',
            name='top_answer_origin',
            field=models.CharField(blank=True, editable=False, max_length=10),
        ),
        migrations.AddField(
            model_name='question',
            name='top_answer_score',
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(create_score_index, drop_score_index),
        migrations.RunPython(fill_top_answers, migrations.RunPython.noop),
    ]
