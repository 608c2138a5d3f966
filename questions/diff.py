"""Word-level diffs between two versions of an answer, as safe HTML."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|[^\s]+")


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text.replace("\r\n", "\n"))


def word_diff(old: str, new: str) -> SafeString:
    """``old`` -> ``new`` with removed words in <del> and added words in <ins>.

    The markdown source is compared, not the rendered HTML, so that what a
    reviewer sees is exactly what changes. Everything is escaped.
    """
    a, b = _tokens(old), _tokens(new)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(a[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(b[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # every piece escaped above


def change_counts(old: str, new: str) -> tuple[int, int]:
    """How many words were added and removed."""
    a = [t for t in _tokens(old) if not t.isspace()]
    b = [t for t in _tokens(new) if not t.isspace()]
    added = removed = 0
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            removed += a2 - a1
        if op in ("insert", "replace"):
            added += b2 - b1
    return added, removed
