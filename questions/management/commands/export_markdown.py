"""Publish the site's vetted content in the collection format import_markdown reads.

    python manage.py export_markdown collection.md
    python manage.py export_markdown --include-community --min-score 2 -

Each published question goes out with its best published answer (a
moderator's pick first, then the score, then the oldest); by default only AI
answers are considered. Importing the file gives back the same questions and
answers.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from questions.collection import export_items, render_document


class Command(BaseCommand):
    help = (
        "Write published questions with their best answer as a collection markdown file "
        "(source list, | Question | Source | <model> | table, > prompt sections)."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="file to write, or - for standard output")
        parser.add_argument(
            "--min-score",
            type=int,
            metavar="N",
            help="leave out answers scoring below N",
        )
        parser.add_argument(
            "--include-community",
            action="store_true",
            help="pick the best answer of any origin, not only AI answers",
        )

    def handle(self, *args, **options):
        items = export_items(
            min_score=options["min_score"], include_community=options["include_community"]
        )
        layout = render_document(items)
        out = options["out"]
        if out == "-":
            self.stdout.write(layout.text, ending="")
            report = self.stderr
        else:
            try:
                Path(out).write_text(layout.text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"{out}: cannot write the file: {error.strerror}") from error
            report = self.stdout
        report.write(
            f"Exported {len(items)} questions to {out}: {layout.table_rows} in the "
            f"{' / '.join(layout.models)} table, {layout.prompt_sections} as prompt sections."
        )
