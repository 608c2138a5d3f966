"""Re-render the stored HTML of every question, answer, comment and bookmark note.

Run after the markdown pipeline changes (questions/markdown.py): pages only
ever print the stored HTML, so old content keeps its old rendering until then.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from questions import pagecache
from questions.models import Answer, Comment, Question
from study.models import Bookmark

BATCH = 500


class Command(BaseCommand):
    help = "Re-render stored HTML from markdown: questions, answers, comments, notes."

    def handle(self, *args, **options):
        rendered_fields = {
            Question: ["body_html", "slug"],  # render() also refreshes the slug
            Answer: ["body_html"],
            Comment: ["body_html"],
            Bookmark: ["note_html"],
        }
        total = 0
        for model, fields in rendered_fields.items():
            changed = 0
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
            total += changed
        if total:
            pagecache.site_changed()  # every cached page printed the old HTML

    @staticmethod
    def _save(model, batch, fields) -> int:
        count = len(batch)
        if batch:
            with transaction.atomic():
                model.objects.bulk_update(batch, fields)
            batch.clear()
        return count
