"""The reader: markdown text to a ``ParsedCollection`` (structure from
markdown-it-py's tokens, every entry and problem with its line number)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from mlqa_site.text import UNWANTED, clean_text

from .entries import Entry, ParsedCollection, SourceLink
from .text import (
    AI_MODEL_MAX_LENGTH,
    cell_to_markdown,
    compact,
    strip_symbols,
    tidy_question,
    trim_blank_lines,
)

_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")  # a pipe not escaped by a backslash


# --- Markdown parsers ------------------------------------------------------------


@cache
def _block_parser() -> MarkdownIt:
    """Block structure as the site's renderer sees it (same syntax switched on).

    Inline parsing is off: the importer needs blocks, line numbers and cell
    text, and skipping inline work halves the time on a 10,000-row table.
    """
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, double_inline=True, allow_space=False, allow_digits=False)
    md.disable("inline")
    return md


@cache
def _inline_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


# --- What a document holds -------------------------------------------------------


# --- Reading ---------------------------------------------------------------------


def read_document(path: str | Path) -> ParsedCollection:
    """Read and parse one file; an unreadable or non-UTF-8 file is one problem."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        collection = ParsedCollection(path=name)
        collection.problem(None, f"cannot read the file: {error.strerror or error}")
        return collection
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        collection = ParsedCollection(path=name)
        line = data[: error.start].count(b"\n") + 1
        collection.problem(
            line,
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at line {line}); "
            "save the file as UTF-8",
        )
        return collection
    return parse_document(text, name)


def parse_document(text: str, path: str = "<text>") -> ParsedCollection:
    """Sources, table rows and prompt sections of a collection document."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    collection = ParsedCollection(path=path)
    if found := UNWANTED.search(text):
        # Control characters (a U+0002 pasted from a terminal) would reach the
        # site's feeds, which XML cannot carry: they go, the text around stays.
        count = len(UNWANTED.findall(text))
        collection.warn(
            text.count("\n", 0, found.start()) + 1,
            f"{count} control character{'s' if count != 1 else ''} removed "
            "(the first is on this line)",
        )
        text = clean_text(text)
    lines = text.split("\n")
    blocks = list(_top_level_blocks(_block_parser().parse(text)))

    heading = ""  # the text of the last heading, for prompt sections
    prompt: tuple[int, str] | None = None  # (line index after the quote, question)
    prompt_line = 0
    after_table = False

    def close_prompt(end: int) -> None:
        nonlocal prompt
        if prompt is None:
            return
        start, question = prompt
        answer = trim_blank_lines("\n".join(lines[start:end]))
        _add_entry(
            collection,
            Entry(
                line=prompt_line,
                kind="prompt",
                question=question,
                answer=answer,
                heading=heading,
            ),
        )
        prompt = None

    for opener, tokens in blocks:
        begin, end = opener.map
        if opener.type == "heading_open":
            close_prompt(begin)
            heading = strip_symbols(html.unescape(tokens[1].content))
            after_table = False
        elif opener.type == "blockquote_open":
            close_prompt(begin)
            prompt = (end, _quote_text(tokens))
            prompt_line = begin + 1
            after_table = False
        elif opener.type == "table_open" and (model := _collection_model(tokens)) is not None:
            close_prompt(begin)
            _read_table(collection, tokens, lines, model)
            after_table = True
        elif prompt is not None:
            continue  # part of the current answer, taken from the source lines
        elif opener.type in {"bullet_list_open", "ordered_list_open"}:
            collection.sources.extend(_list_links(tokens))
            after_table = False
        elif opener.type == "table_open":
            collection.warn(
                begin + 1,
                "table left out: its header is not | Question | Source | <model> |",
            )
        elif opener.type == "paragraph_open" and after_table:
            # Rows cut off from the table by a blank line parse as a paragraph.
            stray = [n for n in range(begin, end) if lines[n].lstrip().startswith("|")]
            for number in stray:
                collection.problem(
                    number + 1, "table row outside the table (is there a blank line above it?)"
                )
            after_table = bool(stray)
        else:
            after_table = False
    close_prompt(len(lines))
    return collection


def _top_level_blocks(tokens: list[Token]) -> Iterator[tuple[Token, list[Token]]]:
    """(opening token, all its tokens) for each block at the top of the document."""
    index = 0
    while index < len(tokens):
        opener = tokens[index]
        stop, depth = index, opener.nesting
        while depth > 0:
            stop += 1
            depth += tokens[stop].nesting
        if opener.map is not None:
            yield opener, tokens[index : stop + 1]
        index = stop + 1


def _quote_text(tokens: list[Token]) -> str:
    parts = [t.content for t in tokens if t.type == "inline"]
    parts += [t.content for t in tokens if t.type in {"fence", "code_block", "math_block"}]
    return tidy_question(html.unescape("\n\n".join(parts)))


def _collection_model(tokens: list[Token]) -> str | None:
    """The model a table's header names, or None if it is not a collection table."""
    header: list[str] = []
    for token in tokens:
        if token.type == "thead_close":
            break
        if token.type == "inline":
            header.append(token.content.strip())
    if len(header) != 3 or compact(header[0]) not in {"question", "questions"}:
        return None
    if compact(header[1]) not in {"source", "sources"}:
        return None
    model = header[2].strip("*_` ")
    return model or None


def split_row(row: str) -> list[str]:
    """The cells of a raw table row, split as GFM (and markdown-it) split them:
    ``\\|`` is a pipe inside a cell, the outer pipes are optional."""
    cells = [cell.replace("\\|", "|") for cell in _CELL_SEPARATOR.split(row.strip())]
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _read_table(
    collection: ParsedCollection, tokens: list[Token], lines: list[str], model: str
) -> None:
    begin = tokens[0].map[0]
    if len(model) > AI_MODEL_MAX_LENGTH:
        collection.problem(
            begin + 1, f"model name in the table header is over {AI_MODEL_MAX_LENGTH} characters"
        )
        return
    collection.models.append(model)
    in_body = False
    row: list[str] = []
    row_line = 0
    for token in tokens:
        if token.type == "tbody_open":
            in_body = True
        elif not in_body:
            continue
        elif token.type == "tr_open":
            row, row_line = [], token.map[0]
        elif token.type == "inline":
            row.append(token.content)
        elif token.type == "tr_close":
            _read_row(collection, lines[row_line], row_line + 1, row, model)


def _read_row(
    collection: ParsedCollection, raw: str, line: int, cells: list[str], model: str
) -> None:
    found = len(split_row(raw))
    if found != 3:
        hint = (
            " (a '|' inside a cell must be written '\\|')"
            if found > 3
            else " (a cell is missing, or the row was broken across lines)"
        )
        collection.problem(
            line, f"table row has {found} cells, expected 3: Question | Source | {model}{hint}"
        )
        return
    question, source, answer = cells
    question = tidy_question(html.unescape(cell_to_markdown(question)))
    if "](" in source and (link := next(_links(source, line), None)):
        # A link in the Source cell is a source of its own: [Name](url).
        if not any((s.name, s.url) == (link.name, link.url) for s in collection.sources):
            collection.sources.append(link)
        source = link.name or link.url
    else:
        source = html.unescape(source)
    _add_entry(
        collection,
        Entry(
            line=line,
            kind="table",
            question=question,
            answer=cell_to_markdown(answer),
            source_key=strip_symbols(source),
            ai_model=model,
        ),
    )


def _add_entry(collection: ParsedCollection, entry: Entry) -> None:
    if not entry.key:
        collection.problem(entry.line, "empty question")
        return
    if not entry.answer:
        collection.warn(entry.line, "no answer: the question is imported without one")
    collection.entries.append(entry)


def _list_links(tokens: list[Token]) -> Iterator[SourceLink]:
    """Every link in a list's items: a source list entry each."""
    for token in tokens:
        if token.type == "inline":
            yield from _links(token.content, token.map[0] + 1)


def _links(markdown: str, line: int) -> Iterator[SourceLink]:
    children = _inline_parser().parseInline(markdown)[0].children or []
    for index, child in enumerate(children):
        if child.type != "link_open":
            continue
        text = []
        for inner in children[index + 1 :]:
            if inner.type == "link_close":
                break
            text.append(inner.content)
        url = str(child.attrs.get("href", ""))
        name = strip_symbols("".join(text))
        if name or url:
            yield SourceLink(name=name, url=url, line=line)
