"""Read and write question collections kept as one markdown file.

The format is the one of the ChatGPT MLE-interview collection
(``shared/data/chatgpt-mle-interview/README.md``):

* a source list: bullet links such as ``* [HuyenChip's Book](https://…)``;
* a table ``| Question | Source | <model> |`` whose third column header names
  the AI model; cells use ``<br>`` for paragraph breaks and ``\\|`` for a pipe;
* prompt sections: a block quote ``> question`` followed by free markdown,
  the AI answer, up to the next block quote or heading. A prompt section
  under a heading that is exactly the name of a listed source belongs to it
  (this is how an export keeps the source of such questions).

Questions and source names are plain text: the writer puts ``&``, ``<`` and
``>`` in them as character references, so that no title is read as HTML by a
markdown viewer, and the reader turns references back into characters.

``parse_document`` turns text into a ``ParsedCollection`` (structure from
markdown-it-py's tokens, every entry and problem with its line number) and
``render_document`` turns ``ExportItem`` rows back into text; both are plain
Python on strings. ``export_items`` reads what to publish from the database;
the writes of an import are ``questions.services.import_collection``.

The package: ``entries`` (what a file holds once read), ``text`` (the text
rules and length limits), ``parsing`` (the reader), ``writing`` (the writer).
Everything public is importable from ``questions.collection`` itself.
"""

from .entries import OUTCOMES, Entry, ImportSummary, ParsedCollection, Problem, Progress, SourceLink
from .parsing import parse_document, read_document, split_row
from .text import (
    AI_MODEL_MAX_LENGTH,
    GENERIC_LINK_TEXTS,
    SOURCE_NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    body_continues_title,
    cell_to_markdown,
    compact,
    fits_in_cell,
    markdown_to_cell,
    normalise_url,
    question_key,
    question_text,
    resolve_source_key,
    same_text,
    source_kind,
    source_name,
    source_slug,
    split_title,
    strip_symbols,
    tidy_question,
    trim_blank_lines,
)
from .writing import (
    ExportItem,
    ExportLayout,
    ExportSource,
    export_items,
    plain_text,
    render_document,
)

__all__ = [
    "AI_MODEL_MAX_LENGTH",
    "GENERIC_LINK_TEXTS",
    "OUTCOMES",
    "SOURCE_NAME_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "Entry",
    "ExportItem",
    "ExportLayout",
    "ExportSource",
    "ImportSummary",
    "ParsedCollection",
    "Problem",
    "Progress",
    "SourceLink",
    "body_continues_title",
    "cell_to_markdown",
    "compact",
    "export_items",
    "fits_in_cell",
    "markdown_to_cell",
    "normalise_url",
    "parse_document",
    "plain_text",
    "question_key",
    "question_text",
    "read_document",
    "render_document",
    "resolve_source_key",
    "same_text",
    "source_kind",
    "source_name",
    "source_slug",
    "split_row",
    "split_title",
    "strip_symbols",
    "tidy_question",
    "trim_blank_lines",
]
