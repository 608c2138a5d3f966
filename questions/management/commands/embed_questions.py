"""(Re)compute the questions' vectors and related questions (questions/embeddings/)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from questions.embeddings import store
from questions.embeddings.model import ModelUnavailable, enabled
from questions.models import Question


def progress_bar(done: int, total: int, width: int = 30) -> str:
    filled = width * done // total if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


class Command(BaseCommand):
    help = (
        "Embed every published question whose text changed since its vector was "
        "computed (all of them with --force), in batches, then store each one's "
        "related questions."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Embed unchanged text too.")
        parser.add_argument("--batch", type=int, default=256, help="Questions per batch.")

    def handle(self, *args, **options):
        if not enabled():
            raise CommandError("Embeddings are off (MLQA_EMBEDDINGS=off).")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        ids = list(Question.objects.published().order_by("pk").values_list("pk", flat=True))
        try:
            embedded = self.run(ids, options["batch"], force=options["force"])
        except ModelUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"{embedded} vector(s) computed, {len(ids)} question(s) related.")
        )

    def run(self, ids: list[int], batch: int, *, force: bool) -> int:
        embedded, total = 0, len(ids)
        show = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()
        for phase, work in (("vectors", "embed"), ("related", "relate")):
            for start in range(0, total, batch):
                chunk = ids[start : start + batch]
                if work == "embed":
                    embedded += len(store.embed_questions(chunk, force=force))
                else:
                    store.refresh_related(chunk)
                line = f"{phase:8} {progress_bar(min(start + batch, total), total)}"
                self.stdout.write(("\r" + line) if show else line, ending="" if show else "\n")
            if show:
                self.stdout.write("")
        return embedded
