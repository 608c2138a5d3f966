"""Time questions.diff on ordinary and adversarial pairs of texts.

    .venv/bin/python bench/diff.py            # each pair 5 times, the best and worst run

For each pair it prints the CPU time of ``compare`` (the history's and the
proposal's diff), the SequenceMatcher search steps
spent (at most ``2 * WORK_BUDGET``) and whether the diff fell back to whole
passages ("coarse"). CPU time, not wall time, so that other processes on the
machine count less. A measurement, not a test: nothing fails if it is slow.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlqa_site.settings.test")

import django  # noqa: E402

django.setup()

from questions import diff  # noqa: E402


def prose(chars: int, seed: int, vocabulary: int = 900) -> str:
    """Markdown-like paragraphs of random words, a blank line every 40 words."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(vocabulary)]
    out, size, index = [], 0, 0
    while size < chars:
        index += 1
        word = rng.choice(words) + (".\n\n" if index % 40 == 0 else " ")
        out.append(word)
        size += len(word)
    return "".join(out)[:chars]


def every(text: str, step: int) -> str:
    """Every ``step``-th word replaced, paragraph breaks kept."""
    words = text.split(" ")
    return " ".join(
        "CHANGED" if i % step == 3 and "\n" not in w else w for i, w in enumerate(words)
    )


def pairs() -> dict[str, tuple[str, str]]:
    p20, p100 = prose(20_000, 1), prose(100_000, 1)
    line = p100.replace("\n", " ")
    paragraphs = p20.split("\n\n")
    merged = "\n\n".join(paragraphs[:10]) + " " + "\n\n".join(paragraphs[10:])
    return {
        "small edit": ("Use L2 regularisation.", "Use L1 regularisation for sparsity."),
        "20 kB answer, 3 paragraphs edited": (
            p20,
            "\n\n".join(every(x, 7) if i in (3, 30, 60) else x for i, x in enumerate(paragraphs)),
        ),
        "20 kB answer, a word changed every 40": (p20, every(p20, 40)),
        "20 kB answer, every 4th word changed": (p20, every(p20, 4)),
        "20 kB answer, every 10th + 2 paras merged": (p20, every(merged, 10)),
        "20 kB answer, all paragraphs merged": (p20, every(p20.replace("\n\n", " "), 40)),
        "20 kB answer, words added at both ends": (p20, "So: " + p20 + " Done."),
        "issue: 'a b ' * 5000 -> 'b a ' * 5000": ("a b " * 5000, "b a " * 5000),
        "100 kB 'a b ' -> 'b a '": ("a b " * 25_000, "b a " * 25_000),
        "100 kB one word, one changed": ("a " * 50_000, "a " * 25_000 + "b " + "a " * 24_999),
        "100 kB one line, words reversed": (line, " ".join(reversed(line.split(" ")))),
        "100 kB one line, one word inserted": (line, line[:50_000] + " X " + line[50_000:]),
        "100 kB of 'a\\n' -> 'b\\na\\n'": ("a\n" * 50_000, "b\na\n" * 25_000),
        "100 kB of 'a\\n' -> 'b\\n'": ("a\n" * 50_000, "b\n" * 50_000),
        "100 kB, 12,000 words each changed": (
            " ".join(f"w{i} x" for i in range(12_000)),
            " ".join(f"w{i} y" for i in range(12_000)),
        ),
        "100 kB prose, a word changed every 40": (p100, every(p100, 40)),
        "100 kB prose, every line changed": (p100, "\n".join("x" + s for s in p100.split("\n"))),
        "100 kB prose -> other 100 kB": (p100, prose(100_000, 2, vocabulary=3000)),
        "empty -> 100 kB prose": ("", p100),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"WORK_BUDGET = {diff.WORK_BUDGET:,} steps per pass, two passes at most\n")
    print(f"{'pair':44} {'compare ms':>20} {'steps':>9}  coarse")
    worst = 0.0
    for name, (old, new) in pairs().items():
        timings = {"compare": []}
        for _ in range(args.runs):
            start = time.process_time()
            result = diff.compare(old, new)
            timings["compare"].append(time.process_time() - start)
        spent = _steps(old, new)
        shown = {k: f"{min(v) * 1000:6.1f} to {max(v) * 1000:6.1f}" for k, v in timings.items()}
        worst = max(worst, *timings["compare"])
        print(f"{name:44} {shown['compare']:>20} {spent:>9,}  {result.coarse}")
    print(f"\nslowest single run: {worst * 1000:.1f} ms CPU")


def _steps(old: str, new: str) -> int:
    """Search steps ``compare`` charged to its budgets."""
    spent = 0
    original = diff.Budget.spend

    def counting(self, steps):
        nonlocal spent
        original(self, steps)
        spent += steps

    diff.Budget.spend = counting
    try:
        diff.compare(old, new)
    finally:
        diff.Budget.spend = original
    return spent


if __name__ == "__main__":
    main()
