"""Word-level diffs between two versions of an answer, as safe HTML, at a bounded cost.

difflib's SequenceMatcher finds the longest common run by scanning, for each
token of the old text, every position of that token in the new text: on
repetitive text (``'a b ' * 5000`` against ``'b a ' * 5000``) that is billions
of steps, and every space is the same token. So every comparison here runs on
a work budget, charged before each search SequenceMatcher starts, and stops
before the budget would be overspent:

1. the whole texts token by token, exactly as before there was a budget,
   when that is affordable (ordinary edits of answers up to a few hundred
   words);
2. otherwise, on a second budget, line by line (a line with the blank lines
   after it: paragraphs rarely repeat); a changed block with as many lines on
   both sides is taken line by line, as edited in place; each changed block
   is compared by words-with-their-space (far fewer repeats than tokens),
   then each changed run of those by tokens;
3. what still cannot be afforded, past the common start and end (one cheap
   pass), is shown whole, removed then added, and the diff is marked
   ``coarse`` so that pages say it was too large to compare word by word.

One diff thus costs at most ``2 * WORK_BUDGET`` search steps plus a few
linear passes over the texts, whatever they contain (``bench/diff.py``
measures it).
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
# A word with the blank space after it (or blank space alone, at the start).
_CHUNKS = re.compile(r"\s+|[^\s]+\s*")
# A line with the blank lines after it.
_LINES = re.compile(r"[^\n]*\n(?:[ \t]*\n)*|[^\n]+")

Opcode = tuple[str, int, int, int, int]


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text.replace("\r\n", "\n"))


def _chunks(text: str) -> list[str]:
    return _CHUNKS.findall(text)


def _lines(text: str) -> list[str]:
    return _LINES.findall(text.replace("\r\n", "\n"))


class _OverBudget(Exception):
    pass


class Budget:
    """Steps left for SequenceMatcher searches."""

    def __init__(self, steps: int = WORK_BUDGET):
        self.left = steps

    def afford(self, steps: int) -> bool:
        """Spend ``steps`` if that many are left."""
        if steps > self.left:
            return False
        self.left -= steps
        return True

    def spend(self, steps: int) -> None:
        if not self.afford(steps):
            raise _OverBudget


class _BudgetedMatcher(difflib.SequenceMatcher):
    """A SequenceMatcher that refuses to start a search its budget cannot pay for.

    A search over ``a[alo:ahi]`` takes one step per token of ``a`` plus, at
    most, one per position in ``b`` of each of those tokens: ``seen`` holds
    the running sums of the second part, so each charge is two lookups.
    """

    def __init__(self, a: Sequence[str], b: Sequence[str], budget: Budget, seen: list[int]):
        super().__init__(a=a, b=b, autojunk=False)
        self.budget = budget
        self._seen = seen

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        self.budget.spend(ahi - alo + self._seen[ahi] - self._seen[alo])
        return super().find_longest_match(alo, ahi, blo, bhi)


def _opcodes(a: Sequence[str], b: Sequence[str], budget: Budget) -> list[Opcode] | None:
    """SequenceMatcher's opcodes for ``a`` -> ``b``, or None if they cost too much."""
    if a == b:
        return [("equal", 0, len(a), 0, len(b))] if a else []
    if not a or not b or len(a) == len(b) == 1:
        return _whole(a, b)
    if len(a) > budget.left:
        return None
    seen = list(accumulate(map(Counter(b).get, a, repeat(0)), initial=0))
    # The first search spans everything: when it alone is too dear, stop
    # before SequenceMatcher indexes ``b``.
    if len(a) + seen[-1] > budget.left:
        return None
    try:
        return _BudgetedMatcher(a, b, budget, seen).get_opcodes()
    except _OverBudget:
        return None


def _whole(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """``a`` removed and ``b`` added, as one opcode (none if both are empty)."""
    if a and b:
        return [("replace", 0, len(a), 0, len(b))]
    if a or b:
        return [("delete" if a else "insert", 0, len(a), 0, len(b))]
    return []


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
    if middle is None:
        middle = _whole(a_mid, b_mid)
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


Piece = tuple[Sequence[str], Sequence[str], list[Opcode]]

# Charged for each block of lines or run of words compared apart (tokenising
# it, a SequenceMatcher), so that thousands of tiny ones stay bounded too.
_BLOCK_STEPS = 150


def _segments(
    old: str,
    new: str,
    tokenize: Callable[[str], list[str]],
    budget: int,
    chunk: Callable[[str], list[str]] | None = None,
) -> tuple[list[Piece], bool]:
    """``old`` -> ``new`` as pieces (old tokens, new tokens, opcodes), and whether coarse.

    One piece when the whole texts can be compared token by token within the
    budget; otherwise, on a second budget, lines first, then each changed
    block (steps 1 and 2 of the module's docstring).
    """
    a, b = tokenize(old), tokenize(new)
    ops = _opcodes(a, b, Budget(budget))
    if ops is not None:
        return [(a, b, ops)], False
    rest = Budget(budget)
    old_lines, new_lines = _lines(old), _lines(new)
    line_ops, coarse = _trimmed_opcodes(old_lines, new_lines, rest)
    pieces: list[Piece] = []
    for op, a1, a2, b1, b2 in line_ops:
        if op == "equal" or coarse:
            # Lines too repetitive to compare would be more so word by word.
            pieces.append((old_lines, new_lines, [(op, a1, a2, b1, b2)]))
            continue
        if a2 - a1 == b2 - b1:  # edited in place, most likely
            blocks = ((a1 + i, a1 + i + 1, b1 + i, b1 + i + 1) for i in range(a2 - a1))
        else:
            blocks = iter([(a1, a2, b1, b2)])
        for c1, c2, d1, d2 in blocks:
            if not rest.afford(_BLOCK_STEPS):
                left_a, left_b = old_lines[c1:a2], new_lines[d1:b2]
                pieces.append((left_a, left_b, _whole(left_a, left_b)))
                coarse = True
                break
            block_a, block_b = "".join(old_lines[c1:c2]), "".join(new_lines[d1:d2])
            whole = _block(block_a, block_b, tokenize, chunk, rest, pieces)
            coarse = coarse or whole
    return pieces, coarse


def _block(
    old: str,
    new: str,
    tokenize: Callable[[str], list[str]],
    chunk: Callable[[str], list[str]] | None,
    budget: Budget,
    pieces: list[Piece],
) -> bool:
    """Add the pieces of one changed block of lines; True if it is shown whole."""
    if chunk is None:
        tokens_a, tokens_b = tokenize(old), tokenize(new)
        ops, whole = _trimmed_opcodes(tokens_a, tokens_b, budget)
        pieces.append((tokens_a, tokens_b, ops))
        return whole
    chunks_a, chunks_b = chunk(old), chunk(new)
    chunk_ops, whole = _trimmed_opcodes(chunks_a, chunks_b, budget)
    for run in chunk_ops:
        # Out of budget, a changed run stays as words with their spaces.
        if run[0] == "equal" or whole or not budget.afford(_BLOCK_STEPS):
            pieces.append((chunks_a, chunks_b, [run]))
            continue
        _, a1, a2, b1, b2 = run
        tokens_a = tokenize("".join(chunks_a[a1:a2]))
        tokens_b = tokenize("".join(chunks_b[b1:b2]))
        ops, run_whole = _trimmed_opcodes(tokens_a, tokens_b, budget)
        whole = whole or run_whole
        pieces.append((tokens_a, tokens_b, ops))
    return whole


def compare(old: str, new: str, *, budget: int = WORK_BUDGET) -> Diff:
    """``old`` -> ``new`` with removed words in <del> and added words in <ins>.

    The markdown source is compared, not the rendered HTML, so that what a
    reviewer sees is exactly what changes. Everything is escaped.
    """
    pieces, coarse = _segments(old, new, _tokens, budget, chunk=_chunks)
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
