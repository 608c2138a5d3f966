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
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from bench import report
from bench.report import log
from bench.serve import RESULTS, ROOT, Server, drain, get, wrk

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
    root = ROOT
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


def run(args, watch, *, environment: dict, database_url: str, search_query: str) -> None:
    """``--scale 1000,100000``: the search at each volume, page cache off."""
    rows = []
    env = {**environment, "MLQA_PAGE_CACHE_SECONDS": "0"}
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if collected.returncode:
        sys.exit(f"collectstatic failed:\n{collected.stderr[-2000:]}")
    for questions in args.scale:
        started = time.perf_counter()
        counts = prepare(questions, database_url, keep=args.keep_data, log=log)
        watch.stage(f"data for {questions:,} questions", started)
        server = Server(
            {**env, "DATABASE_URL": scale_url(database_url, questions)},
            workers=args.workers or 2 * len(os.sched_getaffinity(0)) + 1,
            worker_class=args.worker_class,
            threads=args.threads,
        )
        try:
            server.wait_ready()
            path = search_path(search_query)
            status, body = get(server.port, path)
            found = re.search(r'<p class="count">([\d,]+) question', body)
            if status != 200 or not found or "<mark>" not in body:
                sys.exit(f"The search at {questions} questions answered {status} without results")
            wrk(server.port, path, "visitor", connections=4, seconds=2)  # warm-up
            drain(server.port)
            load_avg = report.load_average()
            # The bare view just before, on the same server: how fast the
            # machine is serving anything at that moment.
            bare = wrk(server.port, "/bench/bare/", "visitor", connections=1, seconds=3)
            drain(server.port)
            one = wrk(server.port, path, "visitor", connections=1, seconds=args.duration)
            drain(server.port)
            many = wrk(server.port, path, "visitor", connections=16, seconds=args.duration)
            drain(server.port)
        finally:
            server.stop()
        rows.append(
            {
                "questions": questions,
                "counts": counts,
                "matches": int(found.group(1).replace(",", "")),
                "capped": "or more" in body,
                "p50_ms": one["p50_ms"],
                "p95_ms": one["p95_ms"],
                "p99_ms": one["p99_ms"],
                "rps_1": one["rps"],
                "rps_16": many["rps"],
                "p95_ms_16": many["p95_ms"],
                "errors": one["errors"] + many["errors"],
                "load_average": load_avg,
                "bare_p50_ms": bare["p50_ms"],
                "bare_rps_1": bare["rps"],
            }
        )
        log(f"  {questions:,} questions: p95 {one['p95_ms']:.1f} ms, {many['rps']:.1f} req/s at 16")
    report.print_scale(rows)
    out = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "search_query": search_query,
        "page_cache": "off (MLQA_PAGE_CACHE_SECONDS=0), as a visitor",
        "seconds_per_run": args.duration,
        "load_average_end": report.load_average(),
        "machine": report.machine_facts(scale_url(database_url, args.scale[0])),
        "rows": rows,
    }
    (RESULTS / "scale.json").write_text(json.dumps(out, indent=2) + "\n")
    log(f"Written to {(RESULTS / 'scale.json').relative_to(ROOT)}")
