"""Recompute every question's full-text search document (PostgreSQL only)."""

from django.core.management.base import BaseCommand

from questions.models import Question
from questions.search import index_questions, is_postgres

BATCH = 2000


class Command(BaseCommand):
    help = "Rebuild the stored search vectors of all questions (no-op on SQLite)."

    def handle(self, *args, **options):
        if not is_postgres():
            self.stdout.write("SQLite searches the text directly: nothing to rebuild.")
            return
        ids = list(Question.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            index_questions(ids[start : start + BATCH])
        self.stdout.write(f"Indexed {len(ids)} questions.")
