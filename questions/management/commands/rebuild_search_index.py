"""Recompute every question's full-text search document (PostgreSQL only)."""

from django.core.management.base import BaseCommand

from questions.search import is_postgres
from questions.tasks import rebuild_search_index


class Command(BaseCommand):
    help = "Rebuild the stored search vectors of all questions (no-op on SQLite)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue it for the background worker instead of running it here.",
        )

    def handle(self, *args, background=False, **options):
        if not is_postgres():
            self.stdout.write("SQLite searches the text directly: nothing to rebuild.")
            return
        if background:
            result = rebuild_search_index.enqueue()
            self.stdout.write(f"Queued the rebuild for the worker (task {result.id}).")
            return
        count = rebuild_search_index.call()
        self.stdout.write(f"Indexed {count} questions.")
