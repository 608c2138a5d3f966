"""What ``bench/run.py`` prints and records: the tables, the machine, its load."""

import os
import platform
import re
import subprocess
import time
from pathlib import Path

AIM_AT = 16  # clients, for the aims below
# Each page's throughput as a share of the bare view measured next to it
# (issue 20): (page, who) -> the least share aimed at.
AIMS = {
    ("question", "visitor"): 0.50,
    ("question", "member"): 0.25,
    ("list", "member"): 0.25,
    ("search", "member"): 0.15,
}
SCALE_AIM_P95_MS = 30.0  # search at the largest volume, one client
SCALE_AIM_THROUGHPUT = 0.5  # 16 clients: the largest volume >= half the smallest's req/s


def log(message: str) -> None:
    print(message, flush=True)


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


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (other work included)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine_facts(database_url: str) -> dict:
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
    with psycopg.connect(database_url) as conn:
        facts["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    facts["wrk"] = (version.stdout or version.stderr).splitlines()[0].strip()
    return facts


def print_table(results: list[dict]) -> None:
    """Every run, each with the bare view's req/s measured just before it."""
    header = (
        f"{'page':<15}{'who':<13}{'clients':>7}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'bare r/s':>10}{'vs bare':>9}{'errors':>8}{'timeouts':>10}"
    )
    log("")
    log(header)
    log("-" * len(header))
    previous = None
    for r in results:
        key = r.get("before") if r["page"] == "bare" else f"{r['page']}/{r['who']}"
        if previous and key != previous:
            log("")
        previous = key
        ratio = f"{r['ratio_to_bare']:.0%}" if r.get("ratio_to_bare") is not None else "-"
        bare = f"{r['bare_rps']:.0f}" if r.get("bare_rps") else "-"
        log(
            f"{r['label']:<15}{r['who']:<13}{r['concurrency']:>7}{r['rps']:>9.1f}"
            f"{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}{bare:>10}{ratio:>9}"
            f"{r['errors']:>8}{r['timeouts']:>10}"
        )


def summary(results: list[dict], *, at: int = AIM_AT) -> list[dict]:
    """One row per page at ``at`` clients: its share of the bare view for a
    visitor, a member, and a member with the page cache cold (off)."""
    rows: dict[str, dict] = {}
    for r in results:
        if r["concurrency"] != at or r["page"] == "bare":
            continue
        row = rows.setdefault(r["page"], {"page": r["page"], "label": r["label"]})
        row[r["who"]] = {
            "rps": r["rps"],
            "p95_ms": r["p95_ms"],
            "ratio_to_bare": r.get("ratio_to_bare"),
        }
    return list(rows.values())


def print_summary(rows: list[dict], *, at: int = AIM_AT) -> None:
    columns = ("visitor", "member", "member-cold")
    log("")
    log(f"At {at} clients, share of the bare view measured next to each run (req/s, p95):")
    log(f"{'page':<16}" + "".join(f"{c.replace('-cold', ', cold cache'):>28}" for c in columns))
    for row in rows:
        cells = []
        for column in columns:
            cell = row.get(column)
            if cell is None or cell["ratio_to_bare"] is None:
                cells.append(f"{'-':>28}")
            else:
                text = f"{cell['ratio_to_bare']:.1%} ({cell['rps']:.0f}/s, {cell['p95_ms']:.0f} ms)"
                cells.append(f"{text:>28}")
        log(f"{row['label']:<16}" + "".join(cells))


def aims(results: list[dict]) -> list[dict]:
    verdicts = []
    for r in results:
        aim = AIMS.get((r["page"], r["who"]))
        if aim is None or r["concurrency"] != AIM_AT:
            continue
        ratio = r.get("ratio_to_bare")
        verdicts.append(
            {
                "page": f"{r['label']} ({r['who']}) at {AIM_AT} clients",
                "ratio_to_bare": ratio,
                "aim": aim,
                "met": ratio is not None and ratio >= aim,
                "p95_ms": r["p95_ms"],
            }
        )
    return verdicts


def print_aims(verdicts: list[dict]) -> None:
    log("")
    for v in verdicts:
        ratio = "n/a" if v["ratio_to_bare"] is None else f"{v['ratio_to_bare']:.1%}"
        log(
            f"{v['page']}: {ratio} of the bare view "
            f"(aim >= {v['aim']:.0%}: {'met' if v['met'] else 'missed'}), p95 {v['p95_ms']:.1f} ms"
        )


def print_scale(rows: list[dict]) -> None:
    log("")
    log("Search without the page cache (`/?q=...`), by volume:")
    header = (
        f"{'questions':>10}{'matches':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'req/s c=1':>11}{'req/s c=16':>12}{'bare p50':>10}{'load avg':>10}"
    )
    log(header)
    log("-" * len(header))
    for r in rows:
        log(
            f"{r['questions']:>10,}{r['matches']:>9}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
            f"{r['p99_ms']:>9.1f}{r['rps_1']:>11.1f}{r['rps_16']:>12.1f}"
            f"{r.get('bare_p50_ms', 0):>10.1f}"
            f"{r['load_average'][0] if r['load_average'] else 0:>10.2f}"
        )
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        share = large["rps_16"] / small["rps_16"] if small["rps_16"] else 0
        log(
            f"At {large['questions']:,} questions: p95 {large['p95_ms']:.1f} ms at one client "
            f"(aim <= {SCALE_AIM_P95_MS:.0f} ms: "
            f"{'met' if large['p95_ms'] <= SCALE_AIM_P95_MS else 'missed'}); "
            f"16 clients {share:.0%} of the req/s at {small['questions']:,} "
            f"(aim >= {SCALE_AIM_THROUGHPUT:.0%}: "
            f"{'met' if share >= SCALE_AIM_THROUGHPUT else 'missed'})"
        )


class Stopwatch:
    """Seconds per stage of a run, logged as each ends."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stages: dict[str, float] = {}

    def stage(self, name: str, since: float) -> None:
        self.stages[name] = round(time.perf_counter() - since, 2)
        log(f"  {name}: {self.stages[name]:.1f} s")

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started
