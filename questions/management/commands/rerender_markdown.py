"""Re-render the stored HTML of every question, answer and comment.

Run after the markdown pipeline changes (questions/markdown.py): pages only
ever print the stored HTML, so old content keeps its old rendering until then.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from questions.models import Answer, Comment, Question

BATCH = 500


class Command(BaseCommand):
    help = "Re-render stored HTML from markdown for questions, answers and comments."

    def handle(self, *args, **options):
        for model in (Question, Answer, Comment):
            changed = 0
            # Question.render() also refreshes the slug from the title.
            fields = ["body_html", "slug"] if model is Question else ["body_html"]
            batch = []
            for obj in model.objects.order_by("pk").iterator(chunk_size=BATCH):
                before = [getattr(obj, name) for name in fields]
                obj.render()
                if [getattr(obj, name) for name in fields] != before:
                    batch.append(obj)
                if len(batch) >= BATCH:
                    changed += self._save(model, batch, fields)
            changed += self._save(model, batch, fields)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {changed} re-rendered")

    @staticmethod
    def _save(model, batch, fields) -> int:
        count = len(batch)
        if batch:
            with transaction.atomic():
                model.objects.bulk_update(batch, fields)
            batch.clear()
        return count
