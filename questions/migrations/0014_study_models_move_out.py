"""Bookmarks, reviews and interview reports move to the ``study`` app.

State only: the tables and their rows stay where they are, under the same
names; ``study`` 0001 takes the models over (and their content types).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0013_flag_duplicate_of"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Review"),
                migrations.DeleteModel(name="InterviewReport"),
                migrations.DeleteModel(name="Bookmark"),
            ],
        ),
    ]
