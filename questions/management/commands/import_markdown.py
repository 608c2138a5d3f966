"""Import a collection of questions with AI answers from markdown files.

The format is the ChatGPT MLE-interview collection's: a source list, a
``| Question | Source | <model> |`` table and ``> prompt`` sections (see
questions/collection.py). Importing is idempotent: run it again on the same
file and nothing changes; on a newer version and only what changed changes.

    python manage.py import_markdown README.md
    python manage.py import_markdown --dry-run --format json README.md
"""

import json

from django.core.management.base import BaseCommand, CommandError

from questions import services
from questions.collection import (
    AI_MODEL_MAX_LENGTH,
    OUTCOMES,
    SOURCE_NAME_MAX_LENGTH,
    ImportSummary,
    ParsedCollection,
    Problem,
    read_document,
)

# Files with more entries than this get a progress line on a terminal.
PROGRESS_FROM = 300


class Command(BaseCommand):
    help = (
        "Import questions and their AI answers from collection markdown files "
        "(source list, | Question | Source | <model> | table, > prompt sections). "
        "Idempotent: re-importing a file creates no duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="markdown files to import")
        parser.add_argument(
            "--ai-model",
            metavar="NAME",
            help="the model that wrote the answers (default: the table header's model name)",
        )
        parser.add_argument(
            "--source",
            metavar="NAME",
            help="source of the questions in prompt sections, which otherwise have none",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="do everything, report the counts, then roll back",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and report each invalid one, instead of importing nothing",
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="summary on standard output as text (default) or JSON",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help=f"show progress on standard error for more than {PROGRESS_FROM} entries, "
            "even when it is not a terminal",
        )

    def handle(self, *args, **options):
        ai_model = (options["ai_model"] or "").strip()
        if len(ai_model) > AI_MODEL_MAX_LENGTH:
            raise CommandError(f"--ai-model is longer than {AI_MODEL_MAX_LENGTH} characters.")
        source = (options["source"] or "").strip()
        if len(source) > SOURCE_NAME_MAX_LENGTH:
            raise CommandError(f"--source is longer than {SOURCE_NAME_MAX_LENGTH} characters.")

        collections = [read_document(path) for path in options["paths"]]
        if not ai_model:
            for collection in collections:
                if collection.entries and not collection.default_model:
                    raise CommandError(
                        f"{collection.path}: no | Question | Source | <model> | table names "
                        "the AI model of its answers; give it with --ai-model NAME."
                    )
        skipped = [problem for collection in collections for problem in collection.problems]
        if skipped and not options["skip_invalid"]:
            raise CommandError(self._refusal(skipped))

        summary = services.import_collection(
            collections=collections,
            ai_model=ai_model or None,
            default_source=source or None,
            dry_run=options["dry_run"],
            progress=self._progress_line(options["progress"]),
        )
        warnings = [w for collection in collections for w in collection.warnings]
        warnings += summary.warnings
        for problem in skipped:
            self.stderr.write(f"skipped {problem}")
        for warning in warnings:
            self.stderr.write(f"warning: {warning}")
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(self._as_json(collections, summary, skipped, warnings), indent=2)
            )
        else:
            self._write_text(collections, summary, skipped)

    def _refusal(self, problems: list[Problem]) -> str:
        lines = [f"Nothing imported: {len(problems)} problem(s) in the input."]
        lines += [f"  {problem}" for problem in problems]
        lines.append("Fix them, or use --skip-invalid to import the valid rows and skip these.")
        return "\n".join(lines)

    def _progress_line(self, forced: bool):
        if not (forced or self.stderr.isatty()):
            return None

        def show(done: int, total: int) -> None:
            if total <= PROGRESS_FROM:
                return
            self.stderr.write(f"\r{done}/{total} entries", ending="\n" if done == total else "")
            self.stderr.flush()

        return show

    def _as_json(
        self,
        collections: list[ParsedCollection],
        summary: ImportSummary,
        skipped: list[Problem],
        warnings: list[Problem],
    ) -> dict:
        return {
            "files": [collection.path for collection in collections],
            **summary.as_dict(),
            "skipped": [problem.as_dict() for problem in skipped],
            "warnings": [warning.as_dict() for warning in warnings],
        }

    def _write_text(
        self,
        collections: list[ParsedCollection],
        summary: ImportSummary,
        skipped: list[Problem],
    ) -> None:
        entries = sum(len(collection.entries) for collection in collections)
        files = ", ".join(collection.path for collection in collections)
        self.stdout.write(f"Read {entries} questions from {files}.")
        for kind in ("questions", "answers", "sources"):
            counts = getattr(summary, kind)
            detail = ", ".join(f"{counts[outcome]} {outcome}" for outcome in OUTCOMES)
            self.stdout.write(f"{kind.capitalize() + ':':<11}{detail}")
        if skipped:
            self.stdout.write(f"Skipped {len(skipped)} invalid line(s): see above.")
        if summary.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        else:
            self.stdout.write(self.style.SUCCESS("Import done."))
