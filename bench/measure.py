"""What ``bench/run.py`` measures with: wrk runs at each concurrency, the machine's
facts, and the table and aims it prints."""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.common import (
    AIM_AT,
    AIM_P95_MS,
    AIM_RATIO,
    DATABASE_URL,
    LUA,
    RESULTS,
    TARGETS,
    get,
    log,
)

# --- Load -------------------------------------------------------------------------------


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


def run_load(port: int, paths: dict[str, str], args: argparse.Namespace) -> list[dict]:
    targets = [t for t in TARGETS if not args.targets or t[0] in args.targets]
    log(f"Warming up ({len(targets)} targets, 2 s each)")
    for key, _, _, mode in targets:
        wrk(port, paths[key], mode, connections=8, seconds=2)
        drain(port)
    results = []
    total = len(targets) * len(args.concurrency)
    for key, label, who, mode in targets:
        for connections in args.concurrency:
            result = wrk(port, paths[key], mode, connections=connections, seconds=args.duration)
            drain(port)
            result.update(page=key, label=label, who=who, concurrency=connections)
            results.append(result)
            log(
                f"  [{len(results):2}/{total}] {label:<14} {who:<7} c={connections:<3} "
                f"{result['rps']:8.1f} req/s  p95 {result['p95_ms']:7.1f} ms"
                + (f"  {result['errors']} errors" if result["errors"] else "")
                + (f"  {result['timeouts']} timeouts" if result["timeouts"] else "")
            )
    bare = {r["concurrency"]: r["rps"] for r in results if r["page"] == "bare"}
    for result in results:
        ceiling = bare.get(result["concurrency"])
        result["ratio_to_bare"] = round(result["rps"] / ceiling, 3) if ceiling else None
    return results


# --- Report -----------------------------------------------------------------------------


def cpu_busy(seconds: float = 2) -> float:
    """The share of all CPUs' time spent busy over a few seconds (0 when unknown)."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return idle, sum(fields)

    if not Path("/proc/stat").exists():
        return 0.0
    idle_before, total_before = sample()
    time.sleep(seconds)
    idle_after, total_after = sample()
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total else 0.0


def machine_facts() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
    facts = {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model.group(1).strip() if model else platform.processor(),
        "memory_gib": round(int(memory.group(1)) / 1024**2, 1) if memory else None,
        "python": platform.python_version(),
        "os": platform.platform(),
    }
    import django
    import gunicorn
    import psycopg

    facts["django"] = django.get_version()
    facts["gunicorn"] = gunicorn.__version__
    with psycopg.connect(DATABASE_URL) as conn:
        facts["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    facts["wrk"] = (version.stdout or version.stderr).splitlines()[0].strip()
    return facts


def print_table(results: list[dict]) -> None:
    header = (
        f"{'page':<15}{'who':<9}{'clients':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'vs bare':>9}{'errors':>8}{'timeouts':>10}"
    )
    log("")
    log(header)
    log("-" * len(header))
    previous = None
    for r in results:
        if previous and (r["page"], r["who"]) != previous:
            log("")
        previous = (r["page"], r["who"])
        ratio = f"{r['ratio_to_bare']:.0%}" if r["ratio_to_bare"] is not None else "-"
        log(
            f"{r['label']:<15}{r['who']:<9}{r['concurrency']:>7}{r['rps']:>9.1f}"
            f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}{ratio:>9}"
            f"{r['errors']:>8}{r['timeouts']:>10}"
        )


def aims(results: list[dict]) -> list[dict]:
    verdicts = []
    for r in results:
        if r["page"] == "question" and r["concurrency"] == AIM_AT:
            verdicts.append(
                {
                    "page": f"question page ({r['who']}) at {AIM_AT} clients",
                    "ratio_to_bare": r["ratio_to_bare"],
                    "ratio_ok": r["ratio_to_bare"] is not None and r["ratio_to_bare"] >= AIM_RATIO,
                    "p95_ms": r["p95_ms"],
                    "p95_ok": r["p95_ms"] < AIM_P95_MS,
                }
            )
    return verdicts
