"""Re-render the stored HTML of every question, answer, comment and bookmark note
(questions/rerender.py), here or on the background worker."""

from django.core.management.base import BaseCommand

from questions.rerender import rerender_all
from questions.tasks import rerender_markdown


class Command(BaseCommand):
    help = "Re-render stored HTML from markdown: questions, answers, comments, notes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue it for the background worker instead of running it here.",
        )

    def handle(self, *args, background=False, **options):
        if background:
            result = rerender_markdown.enqueue()
            self.stdout.write(f"Queued the re-rendering for the worker (task {result.id}).")
            return
        for kind, count in rerender_all().items():
            self.stdout.write(f"{kind}: {count} re-rendered")
