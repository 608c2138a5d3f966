"""Search at 1,000, 10,000 and 100,000 questions: ``bench/run.py --scale 1000,100000``.

For each volume a database of its own (the benchmark database's name with
``_s<N>`` appended, e.g. ``mlqa_bench_s100000``) is loaded by ``bench/load.py``
with ``bulk_create`` (N questions, 3 N answers, 3 N votes, N comments, 1,000
members), its search documents and best answers computed in SQL, then
analysed. gunicorn serves it with the page cache off, and ``wrk`` requests
the search at 1 client (p50/p95/p99 latency, req/s) and at 16 clients (req/s).
``--keep-data`` reuses a volume's database when it is already loaded.
"""

import io
import json
import time
from urllib.parse import urlencode, urlsplit

ANSWERS_PER_QUESTION = 3
VOTES_PER_QUESTION = 3
COMMENTS_PER_QUESTION = 1
MEMBERS = 1_000
SCALE_CONCURRENCY = (1, 16)


def scale_url(base_url: str, questions: int) -> str:
    parts = urlsplit(base_url)
    return parts._replace(path=f"{parts.path}_s{questions}").geturl()


def build(questions: int, *, log) -> dict:
    """Load one volume into the current (empty, migrated) database; return its counts."""
    from django.core.management import call_command
    from django.db import connection

    from bench.load import load
    from questions.models import Question
    from questions.topanswer import refresh_top_answer

    started = time.perf_counter()
    loaded = load(
        questions=questions,
        answers=max(questions * ANSWERS_PER_QUESTION, questions + 40),
        votes=questions * VOTES_PER_QUESTION,
        comments=max(questions * COMMENTS_PER_QUESTION, 200),
        members=MEMBERS,
    )
    log(f"    rows: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    call_command("rebuild_search_index", stdout=io.StringIO())
    refresh_top_answer(Question.objects.values_list("pk", flat=True))
    log(f"    search documents and best answers: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"    vacuum analyze: {time.perf_counter() - started:.0f} s")
    return loaded.counts


def prepare(questions: int, base_url: str, *, keep: bool, log) -> dict:
    """Make sure the volume's database exists and is loaded; return its counts."""
    import psycopg

    url = scale_url(base_url, questions)
    name = urlsplit(url).path.lstrip("/")
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and keep:
            with psycopg.connect(url) as db:
                marker = db.execute(
                    "SELECT to_regclass('bench_scale_counts') IS NOT NULL"
                ).fetchone()[0]
                if marker:
                    row = db.execute("SELECT counts FROM bench_scale_counts").fetchone()
                    log(f"  {questions:,} questions: reusing {name}")
                    return json.loads(row[0])
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"  {questions:,} questions: loading {name}")
    counts = _load_into(url, questions, log=log)
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE bench_scale_counts (counts text)")
        db.execute("INSERT INTO bench_scale_counts VALUES (%s)", [json.dumps(counts)])
    return counts


def _load_into(url: str, questions: int, *, log) -> dict:
    """Migrate and load in a child process: Django's connection points at one database."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = (
        "import json, sys, django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0, interactive=False);"
        "from bench.scale import build;"
        f"counts = build({questions}, log=lambda m: print(m, flush=True));"
        "print('COUNTS ' + json.dumps(counts), flush=True)"
    )
    env = {**os.environ, "DATABASE_URL": url, "MLQA_DB_TIMEOUTS": "command"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True
    )
    for line in done.stdout.splitlines():
        if not line.startswith("COUNTS "):
            log(line)
    if done.returncode:
        sys.exit(f"Loading {questions} questions failed:\n{done.stderr[-3000:]}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("COUNTS "))
    return json.loads(line.removeprefix("COUNTS "))


def search_path(query: str) -> str:
    return "/?" + urlencode({"q": query})
