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
   ``bench.settings``: the production settings (debug off, WhiteNoise, Redis
   cache and cached sessions) plus the bare view ``/bench/bare/``.
3. Checks every target once (status, content, signed in or not), warms the
   workers up, then drives each target with ``wrk`` for ``--duration``
   seconds at each concurrency, as a visitor and as a member: the bare view,
   the question list, a search, the question page with 30 answers and 100
   comments, and a vote. Members' requests rotate among ~970 session cookies.
4. Prints a table (requests/s, p50/p95/p99 latency, throughput as a share of
   the bare view's) and writes it with the machine's facts to
   ``bench/results/latest.json``. gunicorn is stopped at the end, always.

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
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

# Run as a script: the project (and so ``bench``) on the path first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    AIM_P95_MS,
    AIM_RATIO,
    CONCURRENCY,
    DATABASE_URL,
    REDIS_URL,
    RESULTS,
    ROOT,
    SEARCH_QUERY,
    Stopwatch,
    get,
    log,
)
from bench.measure import aims, cpu_busy, machine_facts, print_table, run_load


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


def empty_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError as exc:
        sys.exit(f"Redis is not reachable at {REDIS_URL}: {exc}")


def prepare_data(args: argparse.Namespace, watch: Stopwatch) -> dict:
    """Load the data (or find the last run's), and return what the runs need."""
    import django

    state_file = RESULTS / "data.json"
    if not args.keep_data:
        started = time.perf_counter()
        recreate_database()
        empty_redis()
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
        watch.stage("rebuild search index", started)
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
    empty_redis()  # no cached page or session from a previous run
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


# --- Server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the production WSGI entry point, stopped whatever happens."""

    def __init__(self, env: dict[str, str], *, workers: int, worker_class: str, threads: int):
        self.port = free_port()
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.log_path = RESULTS / "gunicorn.log"
        command = [
            sys.executable, "-m", "gunicorn", "mlqa_site.wsgi:application",
            "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers),
            "--worker-class", worker_class,
            "--threads", str(threads),
            "--backlog", "2048",
            "--timeout", "60",
            "--chdir", str(ROOT),
            "--no-control-socket",
        ]  # fmt: skip
        self.log_file = self.log_path.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited with {self.process.returncode}: see {self.log_path}")
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit(f"gunicorn did not answer /healthz within {timeout:.0f} s: see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


def member_headers(session: tuple[str, str]) -> dict[str, str]:
    return {"Cookie": f"sessionid={session[0]}; csrftoken={session[1]}"}


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
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench` installs it (apt-get install wrk).")

    watch = Stopwatch()
    RESULTS.mkdir(exist_ok=True)
    env = django_environment()
    os.environ.update(env)
    # Loading the rows, indexing and VACUUM run long: no web request timeouts here.
    os.environ["MLQA_DB_TIMEOUTS"] = "command"
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
    server = Server(env, workers=workers, worker_class=args.worker_class, threads=args.threads)

    def stop_on_signal(signum, frame):
        raise SystemExit(f"Stopped by signal {signum}.")

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, stop_on_signal)
    try:
        server.wait_ready()
        watch.stage("start gunicorn", started)
        log(f"gunicorn: {workers} {args.worker_class} workers on 127.0.0.1:{server.port}")
        facts = check_targets(server.port, paths, state)
        if args.serve_only:
            log(f"Serving http://127.0.0.1:{server.port}{paths['question']} until Ctrl-C")
            signal.pause()
        started = time.perf_counter()
        busy_before = cpu_busy()
        if busy_before > 0.15:
            log(f"Note: the CPUs were {busy_before:.0%} busy before the runs: figures will be low.")
        results = run_load(server.port, paths, args)
        watch.stage("load runs", started)
    finally:
        server.stop()

    print_table(results)
    verdicts = aims(results)
    log("")
    for v in verdicts:
        ratio = "n/a" if v["ratio_to_bare"] is None else f"{v['ratio_to_bare']:.0%}"
        log(
            f"{v['page']}: {ratio} of the bare view "
            f"(aim >= {AIM_RATIO:.0%}: {'met' if v['ratio_ok'] else 'missed'}), "
            f"p95 {v['p95_ms']:.1f} ms (aim < {AIM_P95_MS:.0f} ms: "
            f"{'met' if v['p95_ok'] else 'missed'})"
        )
    report = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_busy_before_runs": round(busy_before, 3),
        "total_seconds": round(watch.total, 1),
        "stages_seconds": watch.stages,
        "machine": machine_facts(),
        "server": {
            "gunicorn_workers": workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "settings": "bench.settings (mlqa_site.settings.prod + /bench/bare/)",
            "cache": f"Redis ({REDIS_URL}), cached_db sessions",
            "vote_rate_limit": "raised to 1,000,000 per minute per member (still checked)",
        },
        "load": {
            "generator": "wrk (bench/wrk/mlqa.lua)",
            "seconds_per_run": args.duration,
            "concurrency": args.concurrency,
            "members_rotated": len(state["sessions"]),
        },
        "data": state["counts"],
        "paths": paths,
        "search_query": SEARCH_QUERY,
        "checks": facts,
        "results": results,
        "aims": verdicts,
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    log(f"\nTotal {watch.total:.0f} s. Written to {(RESULTS / 'latest.json').relative_to(ROOT)}")
    timeouts = sum(r["timeouts"] for r in results)
    if timeouts:
        log(f"{timeouts} requests got no answer within 30 s (left out of the latencies).")
    errors = sum(r["errors"] for r in results)
    if errors:
        sys.exit(f"{errors} requests failed during the runs: see {server.log_path}")


if __name__ == "__main__":
    main()
