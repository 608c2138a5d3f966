"""Bookmarks, practice reviews and interview reports, moved here from ``questions``.

The tables keep their names (``questions_bookmark``, ``questions_review``,
``questions_interviewreport``) and their rows: this migration only tells Django
that the models now live in ``study`` (``questions`` 0014 removed them from its
state the same way), then moves their content types, so the permissions granted
on them (the moderators' on interview reports) stay attached.
"""

import django.db.models.deletion
import django.db.models.manager
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ("bookmark", "review", "interviewreport")


def _move_content_types(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates it under its new label
        # One left under the new label (e.g. from an earlier migrate) has no grants
        # worth keeping next to the moved one's; it goes, with its permission rows.
        ContentType.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def content_types_to_study(apps, schema_editor):
    _move_content_types(apps, "questions", "study")


def content_types_to_questions(apps, schema_editor):
    _move_content_types(apps, "study", "questions")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("questions", "0014_study_models_move_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables exist already (questions 0001, 0004, 0009 made them).
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Bookmark',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('note', models.TextField(blank=True, help_text='Private markdown note, never shown to others.', max_length=5000)),
                        ('note_html', models.TextField(blank=True, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('due', models.DateTimeField(blank=True, null=True)),
                        ('state', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Learning'), (2, 'Review'), (3, 'Relearning')], null=True)),
                        ('step', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('stability', models.FloatField(blank=True, null=True)),
                        ('difficulty', models.FloatField(blank=True, null=True)),
                        ('last_review', models.DateTimeField(blank=True, null=True)),
                        ('last_rating', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('removed_at', models.DateTimeField(blank=True, help_text='When the member removed it; kept to restore the note.', null=True)),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bookmarks', to='questions.question')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bookmarks', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'questions_bookmark',
                        'ordering': ['-created_at', '-id'],
                        'base_manager_name': 'all_objects',
                        'default_manager_name': 'objects',
                    },
                    managers=[
                        ('all_objects', django.db.models.manager.Manager()),
                        ('objects', django.db.models.manager.Manager()),
                    ],
                ),
                migrations.CreateModel(
                    name='InterviewReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('company', models.CharField(blank=True, help_text='Optional.', max_length=80)),
                        ('level', models.CharField(blank=True, choices=[('intern', 'Intern'), ('junior', 'Junior'), ('mid', 'Mid-level'), ('senior', 'Senior'), ('staff', 'Staff or above')], help_text='Optional.', max_length=10)),
                        ('year', models.PositiveSmallIntegerField(help_text='The year of the interview.')),
                        ('is_hidden', models.BooleanField(default=False, help_text='Hidden by a moderator: no longer counted or shown.')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='interview_reports', to='questions.question')),
                        ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='interview_reports', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'questions_interviewreport',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Review',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rating', models.PositiveSmallIntegerField(choices=[(1, 'Again'), (2, 'Hard'), (3, 'Good'), (4, 'Easy')])),
                        ('reviewed_at', models.DateTimeField()),
                        ('due_after', models.DateTimeField(help_text='When the card was scheduled next.')),
                        ('duration_ms', models.PositiveIntegerField(blank=True, null=True)),
                        ('bookmark', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='study.bookmark')),
                    ],
                    options={
                        'db_table': 'questions_review',
                        'ordering': ['-reviewed_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='bookmark',
                    index=models.Index(fields=['user', 'due'], name='bookmark_due_idx'),
                ),
                migrations.AddIndex(
                    model_name='bookmark',
                    index=models.Index(fields=['user', '-created_at'], name='bookmark_added_idx'),
                ),
                migrations.AddConstraint(
                    model_name='bookmark',
                    constraint=models.UniqueConstraint(fields=('user', 'question'), name='one_bookmark_per_member_question'),
                ),
                migrations.AddIndex(
                    model_name='interviewreport',
                    index=models.Index(fields=['question', 'created_at'], name='report_question_recent_idx'),
                ),
                migrations.AddIndex(
                    model_name='interviewreport',
                    index=models.Index(fields=['is_hidden', 'created_at'], name='report_moderation_idx'),
                ),
                migrations.AddConstraint(
                    model_name='interviewreport',
                    constraint=models.UniqueConstraint(fields=('user', 'question', 'year'), name='one_report_per_member_question_year'),
                ),
                migrations.AddConstraint(
                    model_name='interviewreport',
                    constraint=models.CheckConstraint(condition=models.Q(('year__gte', 1990), ('year__lte', 2100)), name='report_year_plausible'),
                ),
                migrations.AddIndex(
                    model_name='review',
                    index=models.Index(fields=['bookmark', '-reviewed_at'], name='review_log_idx'),
                ),
                migrations.AddConstraint(
                    model_name='review',
                    constraint=models.CheckConstraint(condition=models.Q(('rating__gte', 1), ('rating__lte', 4)), name='review_rating_1_to_4'),
                ),
            ],
        ),
        migrations.RunPython(content_types_to_study, content_types_to_questions),
    ]
