"""Re-render the stored HTML of every question, answer, comment and bookmark note.

Pages only ever print the stored HTML, so after the markdown pipeline changes
(questions/markdown.py) old content keeps its old rendering until this runs:
`manage.py rerender_markdown`, here or (`--background`) on the task worker.
"""

from django.db import transaction

from questions import pagecache
from questions.models import Answer, Comment, Question
from study.models import Bookmark

BATCH = 500

RENDERED_FIELDS = {
    Question: ["body_html", "slug"],  # render() also refreshes the slug
    Answer: ["body_html"],
    Comment: ["body_html"],
    Bookmark: ["note_html"],
}


def rerender_all() -> dict[str, int]:
    """Render everything again; the rows whose HTML changed are saved, in batches.
    Returns how many changed, by kind (verbose plural name)."""
    changed: dict[str, int] = {}
    for model, fields in RENDERED_FIELDS.items():
        count = 0
        batch = []
        # all_objects where a default manager hides rows (removed bookmarks).
        manager = getattr(model, "all_objects", model.objects)
        for obj in manager.order_by("pk").iterator(chunk_size=BATCH):
            before = [getattr(obj, name) for name in fields]
            obj.render()
            if [getattr(obj, name) for name in fields] != before:
                batch.append(obj)
            if len(batch) >= BATCH:
                count += _save(model, batch, fields)
        count += _save(model, batch, fields)
        changed[str(model._meta.verbose_name_plural)] = count
    if any(changed.values()):
        pagecache.site_changed()  # every cached page printed the old HTML
    return changed


def _save(model, batch: list, fields: list[str]) -> int:
    count = len(batch)
    if batch:
        with transaction.atomic():
            model._base_manager.bulk_update(batch, fields)
        batch.clear()
    return count
