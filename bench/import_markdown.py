"""Benchmark `manage.py import_markdown` on a generated collection of N table rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mlqa .venv/bin/python bench/import_markdown.py
    .venv/bin/python bench/import_markdown.py --rows 2000          # SQLite, in memory

It creates a throw-away database (``<name>_bench_import`` on PostgreSQL, an
in-memory one on SQLite), never the one DATABASE_URL names, and drops it at
the end. It times three runs of the real command on the same file:

1. the first import (everything created),
2. the same file again (everything unchanged),
3. a file where every answer changed (a new revision for each; ``--skip-changed``
   leaves this run out).

This is a measurement, not a test: nothing fails if it is slow.
"""

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlqa_site.settings.test")
os.environ.setdefault("MLQA_DB_TIMEOUTS", "command")  # a long import, as a command

WORDS = [
    "model", "data", "training", "loss", "gradient", "neural", "network", "feature",
    "bias", "variance", "regularisation", "overfitting", "validation", "batch",
    "embedding", "attention", "sampling", "precision", "recall", "distribution",
    "probability", "estimate", "convex", "optimiser", "layer",
]  # fmt: skip

HEADER = """# Generated collection

Questions are fetched from
* [HuyenChip's Book](https://huyenchip.com/ml-interviews-book/)
* [Website](https://www.interviewbit.com/data-science-interview-questions)

### GPT answers
| Question | Source | ChatGPT |
|:---------|:------:|:--------|
"""


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def generate(rows: int, *, seed: int, revision: str = "") -> str:
    """A collection whose answers are about 1.3 kB: four paragraphs split by <br>."""
    rng = random.Random(seed)
    lines = [HEADER.rstrip("\n")]
    for number in range(rows):
        question = f"Question {number}: {sentence(rng, 14)[:-1]}?"
        source = "HuyenChip" if number % 3 else "DataScience"
        paragraphs = [" ".join(sentence(rng, 12) for _ in range(3)) for _ in range(4)]
        if revision:
            paragraphs.append(revision)
        lines.append(f"| {question} | {source} | {' <br> '.join(paragraphs)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--skip-changed", action="store_true", help="leave out run 3")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from questions.collection import read_document
    from questions.models import Answer, AnswerRevision, Question

    database = settings.DATABASES["default"]
    original_name = database["NAME"]
    if connection.vendor == "postgresql":
        database.setdefault("TEST", {})["NAME"] = f"{database['NAME']}_bench_import"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)

    results = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            first = Path(folder, "collection.md")
            first.write_text(generate(args.rows, seed=args.seed), encoding="utf-8")
            changed = Path(folder, "collection-v2.md")
            changed.write_text(
                generate(args.rows, seed=args.seed, revision="Updated answer."), encoding="utf-8"
            )
            size = first.stat().st_size / 1e6

            started = time.perf_counter()
            read_document(first)
            parse_only = time.perf_counter() - started

            runs = [("first import", first), ("same file again", first)]
            if not args.skip_changed:
                runs.append(("every answer changed", changed))
            for label, path in runs:
                out = io.StringIO()
                started = time.perf_counter()
                call_command("import_markdown", str(path), "--format", "json", stdout=out)
                seconds = time.perf_counter() - started
                summary = json.loads(out.getvalue())
                results.append((label, seconds, summary))

            counts = (Question.objects.count(), Answer.objects.count())
            revisions = AnswerRevision.objects.count()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)

    print(f"{connection.vendor}, {args.rows} rows, {size:.1f} MB file")
    print(f"  parsing alone: {parse_only:6.2f} s")
    for label, seconds, summary in results:
        questions, answers = summary["questions"], summary["answers"]
        print(
            f"  {label:<21} {seconds:6.2f} s  ({args.rows / seconds:,.0f} rows/s)  "
            f"questions {questions}  answers {answers}"
        )
    print(f"  stored: {counts[0]} questions, {counts[1]} answers, {revisions} revisions")


if __name__ == "__main__":
    main()
