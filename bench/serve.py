"""gunicorn and wrk for the benchmark: a server stopped whatever happens, one
request, one wrk run with its JSON results, and waiting for a queue to drain."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk" / "mlqa.lua"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the production WSGI entry point, stopped whatever happens."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int,
        worker_class: str,
        threads: int,
        name: str = "gunicorn",
    ):
        self.port = free_port()
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.log_path = RESULTS / f"{name}.log"
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


def get(port: int, path: str, *, method: str = "GET", headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def member_headers(session: tuple[str, str]) -> dict[str, str]:
    return {"Cookie": f"sessionid={session[0]}; csrftoken={session[1]}"}


def wrk(port: int, path: str, mode: str, *, connections: int, seconds: int) -> dict:
    threads = min(2, connections)
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
        "-s", str(LUA), f"http://127.0.0.1:{port}{path}",
        "--", mode, str(RESULTS / "sessions.txt"), str(RESULTS / "answers.txt"),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("MLQA-RESULT ")), None)
    if done.returncode or line is None:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("MLQA-RESULT "))
    seconds_run = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds_run, 2),
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": latency["p50"] / 1000,
        "p90_ms": latency["p90"] / 1000,
        "p95_ms": latency["p95"] / 1000,
        "p99_ms": latency["p99"] / 1000,
        "max_ms": latency["max"] / 1000,
        "mean_ms": round(latency["mean"] / 1000, 3),
        "kb_per_request": round(raw["bytes"] / max(raw["requests"], 1) / 1024, 1),
        # Timeouts (no answer within 30 s) are overload, not failure: counted apart.
        "errors": sum(n for kind, n in raw["errors"].items() if kind != "timeout"),
        "timeouts": raw["errors"]["timeout"],
        "error_detail": raw["errors"],
    }


def drain(port: int, *, timeout: float = 60) -> None:
    """Wait for gunicorn to finish the requests queued during the last run.

    wrk stops at its deadline, but the connections it left in the listen
    queue are still served; without this, the next run's first requests
    would wait behind them.
    """
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.perf_counter()
        get(port, "/healthz")
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0


def empty_redis(url: str) -> None:
    """Start from an empty cache, or stop with the reason."""
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as exc:
        sys.exit(f"Redis is not reachable at {url}: {exc}")
