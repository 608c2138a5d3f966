"""What the benchmark's modules share: where things are, what is measured and
what is aimed at, the log line and one HTTP request."""

import http.client
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
LUA = BENCH / "wrk" / "mlqa.lua"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mlqa_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SEARCH_QUERY = "dropout overfitting validation"
CONCURRENCY = (1, 4, 16, 64)
AIM_AT = 16  # clients, for the two aims below
AIM_RATIO = 0.40  # the question page's throughput, as a share of the bare view's
AIM_P95_MS = 100.0

# (key, label, who, wrk mode); the bare view first: every ratio refers to it.
TARGETS = [
    ("bare", "bare view", "visitor", "visitor"),
    ("list", "question list", "visitor", "visitor"),
    ("search", "search", "visitor", "visitor"),
    ("question", "question page", "visitor", "visitor"),
    ("list", "question list", "member", "member"),
    ("search", "search", "member", "member"),
    ("question", "question page", "member", "member"),
    ("vote", "vote (htmx)", "member", "vote"),
]


def log(message: str) -> None:
    print(message, flush=True)


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stages: dict[str, float] = {}

    def stage(self, name: str, since: float) -> None:
        self.stages[name] = round(time.perf_counter() - since, 2)
        log(f"  {name}: {self.stages[name]:.1f} s")

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


def get(port: int, path: str, *, method: str = "GET", headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()
