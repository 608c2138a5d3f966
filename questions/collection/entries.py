"""What a collection file holds once read: entries, source links, problems, and
the summary of an import."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .text import compact, question_key, resolve_source_key, source_name

OUTCOMES = ("created", "updated", "unchanged")

# Called as progress(done, total) while an import works through its entries.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input, located as precisely as possible."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "message": self.message}


@dataclass(frozen=True, slots=True)
class SourceLink:
    """One entry of the document's source list."""

    name: str
    url: str
    line: int

    @property
    def display_name(self) -> str:
        """A readable, unique-enough name for the Source row."""
        return source_name(self.name, self.url)


@dataclass(frozen=True, slots=True)
class Entry:
    """One question with the AI answer the document gives for it."""

    line: int
    kind: str  # "table" or "prompt"
    question: str  # markdown paragraphs, whitespace tidied
    answer: str  # markdown, "" when the document gives no answer
    source_key: str = ""  # table rows: the Source cell
    heading: str = ""  # prompt sections: the heading they sit under
    ai_model: str = ""  # table rows: the model named by the header

    @property
    def key(self) -> str:
        return question_key(self.question)


@dataclass
class ParsedCollection:
    path: str
    sources: list[SourceLink] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # rows left out
    warnings: list[Problem] = field(default_factory=list)  # imported, but worth a look
    models: list[str] = field(default_factory=list)  # model of each table, in order

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    @property
    def default_model(self) -> str:
        return self.models[0] if self.models else ""

    def source_for(self, entry: Entry) -> SourceLink | str | None:
        """The list entry an entry's source refers to, a bare name, or None.

        Table keys resolve against the source list (name, then words of the
        name, then words of the URL) and otherwise stand as a bare name.
        A prompt section belongs to a source only when the heading above it
        is exactly the name of a listed source.
        """
        if entry.kind == "table":
            if not entry.source_key:
                return None
            return resolve_source_key(entry.source_key, self.sources) or entry.source_key
        if entry.heading:
            wanted = compact(entry.heading)
            for link in self.sources:
                if wanted and wanted in {compact(link.name), compact(link.display_name)}:
                    return link
        return None

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(Problem(self.path, line, message))


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would have done)."""

    dry_run: bool = False
    questions: Counter = field(default_factory=Counter)
    answers: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    warnings: list[Problem] = field(default_factory=list)

    def warn(self, path: str, line: int | None, message: str) -> None:
        self.warnings.append(Problem(path, line, message))

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            **{
                kind: {outcome: getattr(self, kind)[outcome] for outcome in OUTCOMES}
                for kind in ("questions", "answers", "sources")
            },
            "warnings": [warning.as_dict() for warning in self.warnings],
        }
