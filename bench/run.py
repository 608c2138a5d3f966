"""Serve MLQA with production settings on a realistic volume and measure it (``make bench``).

    .venv/bin/python bench/run.py                 # what `make bench` runs
    .venv/bin/python bench/run.py --keep-data     # reuse the last run's database
    .venv/bin/python bench/run.py --duration 3 --concurrency 1,16

1. Drops and creates the database ``mlqa_bench`` (``BENCH_DATABASE_URL``; its
   name must contain "bench"), empties the Redis database 9
   (``BENCH_REDIS_URL``), migrates, loads 10,000 questions, 50,000 answers,
   100,000 votes, 50,000 comments and 1,000 members (``bench/load.py``),
   rebuilds the search index and runs VACUUM ANALYZE.
2. Collects the static files and starts gunicorn on a free local port with
   ``bench.settings`` (production settings plus the bare view ``/bench/bare/``),
   and a second one with the page cache off for the "member, cold cache" runs.
3. Checks every target once (status, content, signed in or not), warms the
   workers up, then drives each target with ``wrk`` for ``--duration``
   seconds at each concurrency, as a visitor, as a member and as a member
   with the cache cold: the question list, a search, the question page with
   30 answers and 100 comments, and a vote. Every run comes right after a
   run of the bare view on the same server (bare, target, bare, target ...),
   and its ratio refers to that bare run: a noisy machine skews both alike.
   Members' requests rotate among ~970 session cookies.
4. Prints every run (requests/s, p50/p95/p99 latency, the bare view's req/s
   next to it and the ratio), a summary at 16 clients (visitor, member,
   member with a cold cache), the aims and the load average, and writes it
   all with the machine's facts to ``bench/results/latest.json``. gunicorn
   is stopped at the end, always.

``--scale 1000,10000,100000`` instead builds (or with ``--keep-data`` reuses)
one database per volume and prints the search's latency at one client and
its throughput at 16, page cache off (``bench/scale.py``, ``scale.json``).

A measurement, not a test: it fails only when something is broken (a page
that does not answer 200, errors during a run), never because it is slow.
"""

import argparse
import io
import json
import os
import re
import secrets
import shutil
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

from bench import report, scale  # noqa: E402
from bench.report import Stopwatch, log  # noqa: E402
from bench.serve import (  # noqa: E402
    RESULTS,
    Server,
    drain,
    empty_redis,
    get,
    member_headers,
    wrk,
)

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mlqa_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SEARCH_QUERY = "dropout overfitting validation"
CONCURRENCY = (1, 4, 16, 64)

# (key, label, who, wrk mode). Each target's run comes right after a run of
# the bare view on the same server, and its ratio refers to that one.
# "member-cold": a member on a second server with the page cache off
# (MLQA_PAGE_CACHE_SECONDS=0): nothing comes from cached pages or fragments.
TARGETS = [
    ("list", "question list", "visitor", "visitor"),
    ("search", "search", "visitor", "visitor"),
    ("question", "question page", "visitor", "visitor"),
    ("list", "question list", "member", "member"),
    ("search", "search", "member", "member"),
    ("question", "question page", "member", "member"),
    ("vote", "vote (htmx)", "member", "vote"),
    ("list", "question list", "member-cold", "member"),
    ("search", "search", "member-cold", "member"),
    ("question", "question page", "member-cold", "member"),
]


def django_environment() -> dict[str, str]:
    """The environment of this process's Django and of gunicorn: production settings."""
    secret = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50)
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_EMAIL_CONSOLE": "1",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_LOG_LEVEL": "WARNING",
        # gunicorn serves web requests, with their database timeouts; this
        # process's own loading runs as a command (main() switches it).
        "MLQA_DB_TIMEOUTS": "web",
    }


# --- Data -------------------------------------------------------------------------------


def recreate_database() -> None:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the benchmark database's name must contain 'bench'.")
    server = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        sys.exit(f"PostgreSQL is not reachable at {server}: {exc}")


def prepare_data(args: argparse.Namespace, watch: Stopwatch) -> dict:
    """Load the data (or find the last run's), and return what the runs need."""
    import django

    state_file = RESULTS / "data.json"
    if not args.keep_data:
        started = time.perf_counter()
        recreate_database()
        empty_redis(REDIS_URL)
        watch.stage("create database", started)
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    watch.stage("migrate", started)
    if args.keep_data:
        if not state_file.exists():
            sys.exit("--keep-data: no data from an earlier run (bench/results/data.json).")
        state = json.loads(state_file.read_text())
    else:
        from bench.load import load

        started = time.perf_counter()
        loaded = load()
        watch.stage("load rows", started)
        started = time.perf_counter()
        call_command("rebuild_search_index", stdout=io.StringIO())
        from questions.models import Question
        from questions.topanswer import refresh_top_answer

        refresh_top_answer(Question.objects.values_list("pk", flat=True))
        watch.stage("search index and best answers", started)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        watch.stage("vacuum analyze", started)
        voters = sorted(set(loaded.member_ids) - set(loaded.big_answer_authors))
        state = {
            "question_url": loaded.big_question_url,
            "answer_ids": loaded.big_answer_ids,
            "voter_ids": voters,
            "counts": loaded.counts,
        }
        state_file.write_text(json.dumps(state))

    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    watch.stage("collectstatic", started)
    started = time.perf_counter()
    empty_redis(REDIS_URL)  # no cached page or session from a previous run
    state["sessions"] = create_sessions(state["voter_ids"])
    watch.stage("sessions", started)
    connection.close()
    return state


def create_sessions(user_ids: list[int]) -> list[tuple[str, str]]:
    """A signed-in session and a CSRF cookie per member, through the site's session engine."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.utils.crypto import get_random_string

    from accounts.models import User

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[0]
    sessions = []
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        store = store_class()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((store.session_key, get_random_string(32, CSRF_ALLOWED_CHARS)))
    (RESULTS / "sessions.txt").write_text("".join(f"{s} {c}\n" for s, c in sessions))
    return sessions


# --- Checks ------------------------------------------------------------------------------


def check_targets(port: int, paths: dict[str, str], state: dict) -> dict:
    """Each target once, as the runs will request it: fail loudly if a page is wrong."""
    sessions = state["sessions"]
    facts = {}

    def expect(condition: bool, what: str) -> None:
        if not condition:
            sys.exit(f"Check failed before the load runs: {what}")

    status, body = get(port, paths["bare"])
    expect(status == 200 and body == "Hello from MLQA.", f"bare view answered {status}")
    for key in ("list", "search", "question"):
        status, body = get(port, paths[key])
        expect(status == 200, f"{key} answered {status} to a visitor")
        expect("Log in" in body and "Log out" not in body, f"{key}: visitor page expected")
        for session in (sessions[0], sessions[-1]):
            status, member_body = get(port, paths[key], headers=member_headers(session))
            expect(status == 200, f"{key} answered {status} to a member")
            expect("Log out" in member_body, f"{key}: the member's cookie did not sign in")
    status, body = get(port, paths["search"])
    found = re.search(r'<p class="count">([\d,]+) question', body)
    expect(bool(found) and "<mark>" in body, "the search found nothing")
    facts["search_matches"] = int(found.group(1).replace(",", ""))
    status, body = get(port, paths["question"])
    facts["question_answers"] = len(re.findall(r'<article class="answer[ "]', body))
    facts["question_comments"] = len(re.findall(r'<li class="comment"', body))
    facts["question_page_bytes"] = len(body.encode())
    expect(facts["question_answers"] == 30, f"{facts['question_answers']} answers shown, not 30")
    expect(facts["question_comments"] == 100, f"{facts['question_comments']} comments, not 100")
    session = sessions[1]
    status, body = get(
        port,
        f"/answers/{state['answer_ids'][0]}/vote/",
        method="POST",
        headers={
            **member_headers(session),
            "X-CSRFToken": session[1],
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body="value=up",
    )
    expect(status == 200 and "vote-box" in body, f"the vote answered {status}")
    return facts


# --- Load -------------------------------------------------------------------------------


def run_load(servers: dict[str, "Server"], paths: dict[str, str], args) -> list[dict]:
    """Each target at each concurrency, every run preceded by a run of the bare
    view on the same server: a noisy machine lowers both alike."""
    targets = [t for t in TARGETS if not args.targets or t[0] in args.targets]
    targets = [t for t in targets if _server_for(t, servers) is not None]
    log(f"Warming up ({len(targets)} targets, 2 s each)")
    for target in targets:
        port = _server_for(target, servers).port
        wrk(port, paths[target[0]], target[3], connections=8, seconds=2)
        drain(port)
    results = []
    total = len(targets) * len(args.concurrency)
    for target in targets:
        key, label, who, mode = target
        port = _server_for(target, servers).port
        for connections in args.concurrency:
            seconds = args.duration
            bare = wrk(port, paths["bare"], "visitor", connections=connections, seconds=seconds)
            drain(port)
            bare.update(page="bare", label="bare view", who="visitor", concurrency=connections)
            bare["before"] = f"{key}/{who}"
            result = wrk(port, paths[key], mode, connections=connections, seconds=args.duration)
            drain(port)
            result.update(page=key, label=label, who=who, concurrency=connections)
            result["bare_rps"] = bare["rps"]
            result["ratio_to_bare"] = round(result["rps"] / bare["rps"], 4) if bare["rps"] else None
            results += [bare, result]
            log(
                f"  [{len(results) // 2:2}/{total}] {label:<14} {who:<12} c={connections:<3} "
                f"{result['rps']:8.1f} req/s  p95 {result['p95_ms']:7.1f} ms  "
                f"bare {bare['rps']:7.1f} req/s  {result['ratio_to_bare'] or 0:.1%}"
                + (f"  {result['errors']} errors" if result["errors"] else "")
                + (f"  {result['timeouts']} timeouts" if result["timeouts"] else "")
            )
    return results


def _server_for(target: tuple, servers: dict[str, "Server"]):
    return servers.get("cold" if target[2] == "member-cold" else "warm")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per run (8)")
    parser.add_argument(
        "--concurrency",
        type=lambda text: [int(x) for x in text.split(",")],
        default=list(CONCURRENCY),
        help="comma-separated client counts (1,4,16,64)",
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (2 x cores + 1)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument(
        "--targets",
        type=lambda text: text.split(","),
        default=[],
        help="only these targets, e.g. bare,question (all: bare,list,search,question,vote)",
    )
    parser.add_argument("--keep-data", action="store_true", help="reuse the last run's database")
    parser.add_argument(
        "--serve-only", action="store_true", help="start gunicorn and wait (for profiling)"
    )
    parser.add_argument(
        "--scale",
        type=lambda text: [int(x) for x in text.split(",")],
        default=[],
        help="instead of the main table, the search at these volumes, e.g. 1000,10000,100000",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench` installs it (apt-get install wrk).")

    watch = Stopwatch()
    RESULTS.mkdir(exist_ok=True)
    env = django_environment()
    os.environ.update(env)
    # Loading the rows, indexing and VACUUM run long: no web request timeouts here.
    os.environ["MLQA_DB_TIMEOUTS"] = "command"
    if args.scale:
        log(f"Search by volume: {', '.join(f'{n:,}' for n in args.scale)} questions")
        scale.run(
            args,
            watch,
            environment=env,
            database_url=DATABASE_URL,
            search_query=SEARCH_QUERY,
        )
        return
    log(f"Preparing data in {DATABASE_URL} (Redis {REDIS_URL})")
    state = prepare_data(args, watch)
    (RESULTS / "answers.txt").write_text("".join(f"{pk}\n" for pk in state["answer_ids"]))
    paths = {
        "bare": "/bench/bare/",
        "list": "/",
        "search": "/?" + urlencode({"q": SEARCH_QUERY}),
        "question": state["question_url"],
        "vote": f"/answers/{state['answer_ids'][0]}/vote/",  # the Lua script picks the answer
    }

    workers = args.workers or 2 * len(os.sched_getaffinity(0)) + 1
    started = time.perf_counter()
    options = {"workers": workers, "worker_class": args.worker_class, "threads": args.threads}
    servers = {"warm": Server(env, **options)}
    if any(t[2] == "member-cold" and (not args.targets or t[0] in args.targets) for t in TARGETS):
        cold_env = {**env, "MLQA_PAGE_CACHE_SECONDS": "0"}
        servers["cold"] = Server(cold_env, name="gunicorn-cold", **options)

    def stop_on_signal(signum, frame):
        raise SystemExit(f"Stopped by signal {signum}.")

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, stop_on_signal)
    try:
        for server in servers.values():
            server.wait_ready()
        watch.stage("start gunicorn", started)
        log(f"gunicorn: {workers} {args.worker_class} workers per server, {len(servers)} servers")
        facts = check_targets(servers["warm"].port, paths, state)
        if "cold" in servers:
            check_targets(servers["cold"].port, paths, state)
        if args.serve_only:
            port = servers["warm"].port
            log(f"Serving http://127.0.0.1:{port}{paths['question']} until Ctrl-C")
            signal.pause()
        started = time.perf_counter()
        busy_before = report.cpu_busy()
        load_before = report.load_average()
        log(f"Load average before the runs: {load_before} ({len(os.sched_getaffinity(0))} CPUs)")
        if busy_before > 0.15:
            log(f"Note: the CPUs were {busy_before:.0%} busy before the runs: figures will be low.")
        results = run_load(servers, paths, args)
        load_after = report.load_average()
        watch.stage("load runs", started)
    finally:
        for server in servers.values():
            server.stop()

    report.print_table(results)
    summary = report.summary(results)
    report.print_summary(summary)
    verdicts = report.aims(results)
    report.print_aims(verdicts)
    log(f"Load average: {load_before} before the runs, {load_after} after.")
    out = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_busy_before_runs": round(busy_before, 3),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "total_seconds": round(watch.total, 1),
        "stages_seconds": watch.stages,
        "machine": report.machine_facts(DATABASE_URL),
        "server": {
            "gunicorn_workers": workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "settings": "bench.settings (mlqa_site.settings.prod + /bench/bare/)",
            "cache": f"Redis ({REDIS_URL}), cached_db sessions",
            "cold_server": "the same with MLQA_PAGE_CACHE_SECONDS=0 (member-cold rows)",
            "vote_rate_limit": "raised to 1,000,000 per minute per member (still checked)",
        },
        "load": {
            "generator": "wrk (bench/wrk/mlqa.lua)",
            "seconds_per_run": args.duration,
            "concurrency": args.concurrency,
            "members_rotated": len(state["sessions"]),
            "interleaved": "each run follows a run of the bare view on the same server",
        },
        "data": state["counts"],
        "paths": paths,
        "search_query": SEARCH_QUERY,
        "checks": facts,
        "results": results,
        "summary_at_16": summary,
        "aims": verdicts,
    }
    (RESULTS / "latest.json").write_text(json.dumps(out, indent=2) + "\n")
    log(f"\nTotal {watch.total:.0f} s. Written to {(RESULTS / 'latest.json').relative_to(ROOT)}")
    timeouts = sum(r["timeouts"] for r in results)
    if timeouts:
        log(f"{timeouts} requests got no answer within 30 s (left out of the latencies).")
    errors = sum(r["errors"] for r in results)
    if errors:
        sys.exit(f"{errors} requests failed during the runs: see {RESULTS}/gunicorn*.log")


if __name__ == "__main__":
    main()
