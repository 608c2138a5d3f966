"""Word-level diffs between two versions of an answer, as safe HTML, at a bounded cost.

difflib's SequenceMatcher finds the longest common run by scanning, for each
token of the old text, every position of that token in the new text: on
repetitive text (``'a b ' * 5000`` against ``'b a ' * 5000``) that is billions
of steps. So every comparison here runs on a work budget, counted before each
search SequenceMatcher starts, and gives up before the budget would be passed:

1. the whole texts word by word, exactly as SequenceMatcher sees them, when
   that is affordable (every ordinary edit of an ordinary answer);
2. otherwise line by line (lines are mostly unique, so this is cheap), then
   word by word inside each changed block of lines;
3. what still cannot be afforded (past the common start and end, which cost
   one pass) is shown whole, removed then added, and the diff is marked
   ``coarse`` so that pages can say it was too large to compare word by word.

The cost of one diff is therefore at most ``2 * WORK_BUDGET`` steps plus a
few linear passes over the texts, whatever they contain.
"""

import difflib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Steps of SequenceMatcher's searches allowed to each of the two passes; a
# step is a fraction of a microsecond, so a budget costs some tens of ms.
WORK_BUDGET = 200_000

_TOKENS = re.compile(r"\s+|[^\s]+")
_LINES = re.compile(r"[^\n]*\n|[^\n]+")

Opcode = tuple[str, int, int, int, int]


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text.replace("\r\n", "\n"))


def _lines(text: str) -> list[str]:
    return _LINES.findall(text.replace("\r\n", "\n"))


class _OverBudget(Exception):
    pass


class Budget:
    """Steps left for SequenceMatcher searches; ``spent`` says how many were used."""

    def __init__(self, steps: int = WORK_BUDGET):
        self.left = steps
        self.spent = 0

    def spend(self, steps: int) -> None:
        if steps > self.left:
            raise _OverBudget
        self.left -= steps
        self.spent += steps


class _BudgetedMatcher(difflib.SequenceMatcher):
    """A SequenceMatcher that refuses to start a search its budget cannot pay for.

    A search over ``a[alo:ahi]`` takes one step per token of ``a`` plus, at
    most, one per position in ``b`` of each of those tokens; prefix sums of
    the second part make each charge two lookups.
    """

    def __init__(self, a: Sequence[str], b: Sequence[str], budget: Budget, b_counts: Counter):
        super().__init__(a=a, b=b, autojunk=False)
        self.budget = budget
        self._seen = list(accumulate(map(b_counts.get, a, repeat(0)), initial=0))

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        self.budget.spend(ahi - alo + self._seen[ahi] - self._seen[alo])
        return super().find_longest_match(alo, ahi, blo, bhi)


def _opcodes(a: Sequence[str], b: Sequence[str], budget: Budget) -> list[Opcode] | None:
    """SequenceMatcher's opcodes for ``a`` -> ``b``, or None if they cost too much."""
    if a == b:
        return [("equal", 0, len(a), 0, len(b))] if a else []
    if not a or not b:
        return [("insert" if b else "delete", 0, len(a), 0, len(b))]
    a_counts, b_counts = Counter(a), Counter(b)
    # The first search spans everything: when it alone is too dear, stop
    # before SequenceMatcher indexes ``b``.
    first = len(a) + sum(n * b_counts[x] for x, n in a_counts.items() if x in b_counts)
    if first > budget.left:
        return None
    try:
        return _BudgetedMatcher(a, b, budget, b_counts).get_opcodes()
    except _OverBudget:
        return None


def _trimmed_opcodes(
    a: Sequence[str], b: Sequence[str], budget: Budget
) -> tuple[list[Opcode], bool]:
    """Opcodes after setting aside the common start and end; True if the rest is whole.

    When the middle cannot be compared within the budget it is one
    replacement: everything in it removed, then everything added.
    """
    limit = min(len(a), len(b))
    start = 0
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a_mid, b_mid = a[start : len(a) - end], b[start : len(b) - end]
    middle = _opcodes(a_mid, b_mid, budget)
    whole = middle is None
    if middle is None:  # both sides are non-empty here
        middle = [("replace", 0, len(a_mid), 0, len(b_mid))]
    ops: list[Opcode] = [("equal", 0, start, 0, start)] if start else []
    ops += [(op, a1 + start, a2 + start, b1 + start, b2 + start) for op, a1, a2, b1, b2 in middle]
    if end:
        ops.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    return ops, whole


@dataclass(frozen=True)
class Diff:
    """A diff ready for a template: ``{{ diff }}`` prints the HTML.

    ``coarse`` is True when some changed passage was too large to compare
    word by word and is shown whole, removed then added.
    """

    html: SafeString
    coarse: bool = False

    def __html__(self) -> SafeString:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __bool__(self) -> bool:
        return bool(self.html)


def _segments(
    old: str, new: str, tokenize: Callable[[str], list[str]], budget: int
) -> tuple[list[tuple[list[str], list[str], list[Opcode]]], bool]:
    """``old`` -> ``new`` as (old tokens, new tokens, opcodes) pieces, and whether coarse.

    One piece when the whole texts can be compared token by token within the
    budget; otherwise one per block of lines, a changed block compared token
    by token (past its common start and end) while a second budget lasts.
    """
    a, b = tokenize(old), tokenize(new)
    ops = _opcodes(a, b, Budget(budget))
    if ops is not None:
        return [(a, b, ops)], False
    rest = Budget(budget)
    old_lines, new_lines = _lines(old), _lines(new)
    line_ops, _ = _trimmed_opcodes(old_lines, new_lines, rest)
    pieces = []
    coarse = False
    for op, a1, a2, b1, b2 in line_ops:
        if op == "equal":
            same = old_lines[a1:a2]
            pieces.append((same, same, [("equal", 0, len(same), 0, len(same))]))
            continue
        everything = (a1, a2, b1, b2) == (0, len(old_lines), 0, len(new_lines))
        block_a = a if everything else tokenize("".join(old_lines[a1:a2]))
        block_b = b if everything else tokenize("".join(new_lines[b1:b2]))
        block_ops, whole = _trimmed_opcodes(block_a, block_b, rest)
        coarse = coarse or whole
        pieces.append((block_a, block_b, block_ops))
    return pieces, coarse


def compare(old: str, new: str, *, budget: int = WORK_BUDGET) -> Diff:
    """``old`` -> ``new`` with removed words in <del> and added words in <ins>.

    The markdown source is compared, not the rendered HTML, so that what a
    reviewer sees is exactly what changes. Everything is escaped.
    """
    pieces, coarse = _segments(old, new, _tokens, budget)
    parts: list[str] = []
    for a, b, ops in pieces:
        for op, a1, a2, b1, b2 in ops:
            if op == "equal":
                parts.append(escape("".join(a[a1:a2])))
                continue
            if op in ("delete", "replace"):
                parts.append(f"<del>{escape(''.join(a[a1:a2]))}</del>")
            if op in ("insert", "replace"):
                parts.append(f"<ins>{escape(''.join(b[b1:b2]))}</ins>")
    return Diff(mark_safe("".join(parts)), coarse=coarse)  # every piece escaped above


def word_diff(old: str, new: str) -> SafeString:
    """The HTML of ``compare(old, new)``."""
    return compare(old, new).html


def _words(text: str) -> list[str]:
    return [token for token in _tokens(text) if not token.isspace()]


def change_counts(old: str, new: str, *, budget: int = WORK_BUDGET) -> tuple[int, int]:
    """How many words were added and removed.

    Exact when the texts can be compared word by word within the budget;
    otherwise counted per changed block of lines (an upper bound where a
    block was too large to compare).
    """
    added = removed = 0
    for _, _, ops in _segments(old, new, _words, budget)[0]:
        for op, a1, a2, b1, b2 in ops:
            if op in ("delete", "replace"):
                removed += a2 - a1
            if op in ("insert", "replace"):
                added += b2 - b1
    return added, removed
