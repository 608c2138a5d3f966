"""Bare http(s) addresses became links (markdown.py turned linkify on).

Stored HTML is rendered on save, so the rows whose markdown holds an address
are rendered again here: comments (where bare links are most common), answers,
question bodies and bookmark notes. Same as ``manage.py rerender_markdown``,
limited to the rows that can change.
"""

from django.db import migrations
from django.db.models import Q

FIELDS = {"Comment": ("body", "body_html"), "Answer": ("body", "body_html"),
          "Question": ("body", "body_html"), "Bookmark": ("note", "note_html")}  # fmt: skip


def link_bare_urls(apps, schema_editor):
    from questions.markdown import render_markdown

    for name, (source, html) in FIELDS.items():
        model = apps.get_model("questions", name)
        has_url = Q(**{f"{source}__contains": "http://"}) | Q(**{f"{source}__contains": "https://"})
        rows = model.objects.filter(has_url).only("pk", source, html).iterator(chunk_size=500)
        for row in rows:
            rendered = render_markdown(getattr(row, source))
            if rendered != getattr(row, html):
                model.objects.filter(pk=row.pk).update(**{html: rendered})


class Migration(migrations.Migration):
    dependencies = [("questions", "0009_flag_duplicate_of")]

    operations = [migrations.RunPython(link_bare_urls, migrations.RunPython.noop, elidable=True)]
