"""A member's warm question page, in-process: time per request and queries.

Runs on the data of the last ``bench/run.py`` (``bench/results/data.json``:
the question with 30 answers and 100 comments, and the members who vote),
with the same production settings, database and Redis
(``BENCH_DATABASE_URL``, ``BENCH_REDIS_URL``). No server, no network:
Django's test client requests the page as a different member each time, in
turn, after one warm-up request per member (``--members``), so the shared
page and the answer fragments are cached as they are under load.

    .venv/bin/python bench/question_page.py --requests 200
    .venv/bin/python bench/question_page.py --profile 40   # the top functions by own time

It prints the median, p90 and best time per request, and the queries of one
request.
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import RESULTS, create_sessions, django_environment  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--members", type=int, default=20, help="members to rotate among (20)")
    parser.add_argument("--profile", type=int, default=0, help="print this many functions")
    args = parser.parse_args()
    os.environ.update(django_environment())
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    state = json.loads((RESULTS / "data.json").read_text())
    # Signed with this process's secret key (bench/run.py makes a new one per run).
    sessions = create_sessions(state["voter_ids"][: args.members])
    url = state["question_url"]
    clients = []
    for session, csrf in sessions:
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[settings.SESSION_COOKIE_NAME] = session
        client.cookies[settings.CSRF_COOKIE_NAME] = csrf
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        assert "Log out" in response.text
        clients.append(client)
    queries = []

    def log_query(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(log_query):
        clients[0].get(url)
    times = []
    profiler = cProfile.Profile() if args.profile else None
    for n in range(args.requests):
        client = clients[n % len(clients)]
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        response = client.get(url)
        if profiler:
            profiler.disable()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    print(f"{url}: {args.requests} requests as {len(clients)} members in turn")
    print(
        f"median {statistics.median(times):.2f} ms, p90 {times[int(len(times) * 0.9)]:.2f} ms, "
        f"best {times[0]:.2f} ms; {len(queries)} queries, {len(response.content):,} bytes"
    )
    for sql in queries:
        print(f"  {sql[:160]}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
