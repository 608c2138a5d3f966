"""The study models moved from ``questions`` without touching their tables: a
fresh database migrates, an existing one (at questions 0013) comes forward with
its rows and the moderators' permissions, and the move can be undone."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json
import django
from django.core.management import call_command

django.setup()
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection

MOVED = ["bookmark", "review", "interviewreport"]


def look():
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM questions_bookmark")
        notes = [row[0] for row in cursor.fetchall()]
    moderators = Group.objects.get(name="Moderators").permissions
    return {
        "content_types": sorted(
            ContentType.objects.filter(model__in=MOVED).values_list("app_label", "model")
        ),
        "granted": sorted(
            moderators.filter(codename__endswith="interviewreport").values_list(
                "content_type__app_label", "codename"
            )
        ),
        "notes": notes,
    }


steps = {}
call_command("migrate", verbosity=0)
from accounts.models import User
from questions.models import Question
from study.models import Bookmark

member = User.objects.create_user("carol", "carol@example.com", "a long passphrase 42")
question = Question.objects.create(title="Why clip gradients?", slug="clip", status="published")
Bookmark.objects.create(user=member, question=question, note="kept across the move")
steps["fresh"] = look()
call_command("migrate", "questions", "0013", verbosity=0)
steps["back"] = look()
call_command("migrate", verbosity=0)
steps["forward_again"] = look()
steps["bookmarks_read_through_the_model"] = list(Bookmark.objects.values_list("note", flat=True))
print(json.dumps(steps))
"""


def test_the_move_migrates_fresh_backwards_and_forwards_keeping_rows_and_grants(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "mlqa_site.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'moved.sqlite3'}",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    steps = json.loads(result.stdout.strip().splitlines()[-1])
    in_study = [["study", "bookmark"], ["study", "interviewreport"], ["study", "review"]]
    in_questions = [["questions", model] for _, model in in_study]
    grants = ["change_interviewreport", "view_interviewreport"]
    kept = ["kept across the move"]
    assert steps["fresh"] == {
        "content_types": in_study,
        "granted": [["study", codename] for codename in grants],
        "notes": kept,
    }
    assert steps["back"] == {
        "content_types": in_questions,
        "granted": [["questions", codename] for codename in grants],
        "notes": kept,
    }
    assert steps["forward_again"] == steps["fresh"]
    assert steps["bookmarks_read_through_the_model"] == kept
