"""Recall of the similar-questions list and of search on paraphrases, words alone
against words and vectors fused; and the cost of embedding and of a query.

    .venv/bin/python bench/semantic.py                      # SQLite, in memory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mlqa .venv/bin/python bench/semantic.py
    .venv/bin/python bench/semantic.py --embed 1000 --vectors 20000   # quicker

It creates a throw-away database (``<name>_bench_semantic`` on PostgreSQL, an
in-memory one on SQLite), loads the demo questions and the ``question`` of
each pair in ``bench/paraphrases.toml`` as published questions, embeds them,
then asks each pair's ``asked`` wording:

- of ``/questions/similar/`` (the ask form's list): words alone
  (``questions.similar``) and hybrid (``questions.embeddings.hybrid``);
- of search (the list page by relevance): with ``MLQA_EMBEDDINGS`` off and on.

recall@k = the share of pairs whose question is among the first k results.
Then it times embedding ``--embed`` question texts and nearest-neighbour
queries among ``--vectors`` random unit vectors (exact cosine in numpy, the
index the site uses). A measurement, not a test: nothing fails.
"""

import argparse
import os
import random
import statistics
import sys
import time
import tomllib
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlqa_site.settings.test")
PAIRS = Path(__file__).with_name("paraphrases.toml")


def recall(ranks: list[int | None], k: int) -> float:
    return sum(1 for rank in ranks if rank is not None and rank < k) / len(ranks)


def rank_of(pk: int, found: list[int]) -> int | None:
    return found.index(pk) if pk in found else None


def measure_recall(pairs: list[dict]) -> dict[str, list[int | None]]:
    from django.conf import settings
    from django.core.management import call_command
    from django.utils.text import slugify

    from questions import selectors, similar
    from questions.embeddings import hybrid, store
    from questions.models import Question
    from questions.search import index_questions

    call_command("load_demo", force=True, stdout=StringIO())
    created = [
        Question.objects.create(title=pair["question"], slug=slugify(pair["question"])[:50])
        for pair in pairs
    ]
    ids = list(Question.objects.published().values_list("pk", flat=True))
    index_questions(ids)
    store.embed_questions(ids)
    ranks: dict[str, list[int | None]] = {
        "similar, words": [],
        "similar, hybrid": [],
        "search, words": [],
        "search, hybrid": [],
    }
    for pair, question in zip(pairs, created, strict=True):
        asked = pair["asked"]
        words = [q.pk for q in similar.similar_questions(asked, limit=5)]
        ranks["similar, words"].append(rank_of(question.pk, words))
        fused = [item.question.pk for item in hybrid.similar_questions(asked, limit=5)]
        ranks["similar, hybrid"].append(rank_of(question.pk, fused))
        for label, on in (("search, words", False), ("search, hybrid", True)):
            settings.MLQA_EMBEDDINGS = on
            rows = selectors.question_list(selectors.QuestionFilters(q=asked))
            found = list(rows.values_list("pk", flat=True)[:20])
            ranks[label].append(rank_of(question.pk, found))
        settings.MLQA_EMBEDDINGS = True
    return ranks


def measure_embedding(pairs: list[dict], count: int, seed: int) -> float:
    """Seconds to embed ``count`` question-like texts (title and a body)."""
    from questions.embeddings.model import embed

    rng = random.Random(seed)
    sentences = [pair["question"] for pair in pairs] + [pair["asked"] for pair in pairs]
    texts = [f"{rng.choice(sentences)}\n{' '.join(rng.sample(sentences, 3))}" for _ in range(count)]
    embed(texts[:8])  # the model loaded first: its load is not the cost measured
    started = time.perf_counter()
    embed(texts)
    return time.perf_counter() - started


def measure_queries(vectors: int, queries: int, seed: int) -> list[float]:
    """Milliseconds per nearest-neighbour query among ``vectors`` unit vectors."""
    import numpy as np

    from questions.embeddings.store import VectorIndex

    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((vectors, 384), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    index = VectorIndex("bench")
    index.ids = np.arange(1, vectors + 1, dtype=np.int64)
    index.matrix = matrix
    index.position = {int(pk): i for i, pk in enumerate(index.ids)}
    times = []
    for probe in matrix[rng.integers(0, vectors, queries)]:
        started = time.perf_counter()
        index.nearest(probe, 50, exclude=[1])
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embed", type=int, default=10_000, help="texts to embed (timing)")
    parser.add_argument("--vectors", type=int, default=100_000, help="vectors to search")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    pairs = tomllib.loads(PAIRS.read_text(encoding="utf-8"))["pair"]
    settings.MLQA_EMBEDDINGS = True
    database = settings.DATABASES["default"]
    original_name = database["NAME"]
    if connection.vendor == "postgresql":
        database.setdefault("TEST", {})["NAME"] = f"{database['NAME']}_bench_semantic"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        ranks = measure_recall(pairs)
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)

    threads = settings.MLQA_EMBEDDING_MODEL["threads"]
    print(f"{connection.vendor}: {len(pairs)} paraphrase pairs, 34 demo questions besides")
    print(f"  {'method':<17} recall@1  recall@3")
    for label, found in ranks.items():
        print(f"  {label:<17} {recall(found, 1):8.0%}  {recall(found, 3):8.0%}")
    if args.embed:
        seconds = measure_embedding(pairs, args.embed, args.seed)
        print(
            f"  embedding {args.embed:,} texts: {seconds:.1f} s "
            f"({args.embed / seconds:,.0f} texts/s, {threads} thread(s))"
        )
    if args.vectors:
        times = measure_queries(args.vectors, args.queries, args.seed)
        print(
            f"  query among {args.vectors:,} vectors: median {statistics.median(times):.1f} ms, "
            f"p95 {sorted(times)[int(len(times) * 0.95) - 1]:.1f} ms, "
            f"matrix {args.vectors * 384 * 4 / 1e6:.0f} MB"
        )


if __name__ == "__main__":
    main()
