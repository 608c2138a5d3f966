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
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.html import escape
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from mlqa_site.text import UNWANTED, clean_text
from questions.models import Answer, Origin, Question, Status
from questions.models.answers import RANKING
from questions.vetting import verification_text

TITLE_MAX_LENGTH = 300  # Question.title
AI_MODEL_MAX_LENGTH = 60  # Answer.ai_model
SOURCE_NAME_MAX_LENGTH = 120  # Source.name

# Link texts that say nothing about the source: its name comes from the URL.
GENERIC_LINK_TEXTS = {
    "book",
    "blog",
    "here",
    "home",
    "homepage",
    "link",
    "page",
    "site",
    "source",
    "url",
    "web",
    "webpage",
    "website",
}
OUTCOMES = ("created", "updated", "unchanged")

# Called as progress(done, total) while an import works through its entries.
Progress = Callable[[int, int], None]

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.?!:;])\s+")
_ALNUM_RUN = re.compile(r"[^\W_]+")
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


# --- Text helpers ----------------------------------------------------------------


def question_key(text: str) -> str:
    """What two questions must share to be the same question.

    Case, white space, punctuation, markdown emphasis and Unicode spelling
    variants (curly quotes, full-width letters) do not count.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_ALNUM_RUN.findall(text))


def compact(text: str) -> str:
    """Letters and digits only, lower case: "HuyenChip's Book" -> "huyenchipsbook"."""
    return question_key(text).replace(" ", "")


def tidy_question(text: str) -> str:
    """Paragraphs with their inner white space collapsed, one blank line apart."""
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def same_text(a: str, b: str) -> bool:
    """Equal but for line endings and trailing white space."""
    return _canonical(a) == _canonical(b)


def _canonical(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def trim_blank_lines(text: str) -> str:
    """Without blank lines around it, keeping the first line's indent (it may be code)."""
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip()


def cell_to_markdown(cell: str) -> str:
    """A table cell (pipes already unescaped) -> markdown: ``<br>`` breaks paragraphs."""
    paragraphs = (part.strip() for part in _BR.split(cell))
    return "\n\n".join(p for p in paragraphs if p)


def markdown_to_cell(text: str) -> str:
    """The inverse of ``cell_to_markdown`` for text that ``fits_in_cell``."""
    return "<br>".join(text.split("\n\n")).replace("|", "\\|")


def fits_in_cell(text: str) -> bool:
    """True when a table cell can carry the text and give it back unchanged."""
    if not text or "\n" in text.replace("\n\n", ""):
        return False
    return cell_to_markdown(text.replace("\n\n", "<br>")) == text


def split_title(question: str) -> tuple[str, str]:
    """(title, body) for a question text; the body is empty unless it is too long.

    A title keeps whole sentences up to ``TITLE_MAX_LENGTH`` characters; the
    full text then goes to the body so that nothing is lost.
    """
    flat = " ".join(question.split())
    if len(flat) <= TITLE_MAX_LENGTH:
        return flat, ""
    title = ""
    for sentence in _SENTENCE_END.split(flat):
        candidate = f"{title} {sentence}".strip()
        if len(candidate) > TITLE_MAX_LENGTH:
            break
        title = candidate
    if not title:  # one very long sentence: cut at a word boundary
        cut = flat[: TITLE_MAX_LENGTH - 1].rsplit(" ", 1)[0]
        title = f"{cut.rstrip(',;:')}…"
    return title, question


def body_continues_title(title: str, body: str) -> bool:
    """True when the body is the question's full text and the title its start
    (how ``split_title`` stores a question too long for a title)."""
    title_words = question_key(title).split()
    return bool(body) and question_key(body).split()[: len(title_words)] == title_words


def question_text(title: str, body: str) -> str:
    """The collection text of a stored question: the body when it is the full text."""
    if body_continues_title(title, body):
        return tidy_question(body)
    return " ".join(title.split())


def strip_symbols(text: str) -> str:
    """Drop emoji, pictographs and invisible joiners; collapse white space."""
    kept = (ch for ch in text if unicodedata.category(ch) not in {"So", "Sk", "Cf", "Co", "Cs"})
    return " ".join("".join(kept).replace("\ufe0f", "").split())


def _url_segments(url: str) -> list[list[str]]:
    """Words of the URL's host labels and path segments, one list per segment."""
    parts = urlsplit(url)
    segments = parts.hostname.split(".") if parts.hostname else []
    segments += [segment for segment in parts.path.split("/") if segment]
    return [words for segment in segments if (words := question_key(segment).split())]


def _word_runs(segments: Iterable[list[str]], longest: int = 4) -> set[str]:
    """Every run of up to ``longest`` adjacent words, glued: data, science, datascience…"""
    runs = set()
    for words in segments:
        for start in range(len(words)):
            for end in range(start + 1, min(start + longest, len(words)) + 1):
                runs.add("".join(words[start:end]))
    return runs


def resolve_source_key(key: str, links: Sequence[SourceLink]) -> SourceLink | None:
    """The listed source a table's Source cell means, or None.

    ``HuyenChip`` finds "HuyenChip's Book" (a word of its name, and of its
    URL huyenchip.com); ``DataScience`` finds the link whose URL has
    ``data-science`` in it. The first match in list order wins.
    """
    wanted = compact(key)
    if not wanted:
        return None
    for link in links:
        if wanted in {compact(link.name), compact(link.display_name)}:
            return link
    for link in links:
        if wanted in _word_runs([question_key(link.name).split()]):
            return link
    for link in links:
        if wanted in _word_runs(_url_segments(link.url)):
            return link
    return None


def source_name(link_text: str, url: str) -> str:
    """A Source name for a list entry: its link text, or words of its URL when
    the text is generic ("Website" -> "Data Science Interview Questions
    (interviewbit.com)")."""
    name = strip_symbols(link_text)
    if compact(name) in GENERIC_LINK_TEXTS or not compact(name):
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        segments = [s for s in parts.path.split("/") if s]
        page = " ".join(question_key(segments[-1]).split()).title() if segments else ""
        name = f"{page} ({host})" if page and host else page or host or name
    return name[:SOURCE_NAME_MAX_LENGTH].strip()


def source_kind(link_text: str, url: str) -> str:
    """The SourceKind value for a link: book when it says so, else website (other if no URL)."""
    words = set(question_key(link_text).split()) | _word_runs(_url_segments(url), longest=1)
    if words & {"book", "books", "ebook"}:
        return "book"
    return "website" if url else "other"


def source_slug(name: str) -> str:
    return slugify(name)[:SOURCE_NAME_MAX_LENGTH].strip("-") or "source"


def normalise_url(url: str) -> str:
    """Compare URLs without scheme, "www.", case of the host or a trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}" if host else ""


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


# --- Exporting ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportSource:
    name: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One question with the answer to publish for it."""

    question: str
    answer: str
    ai_model: str = ""  # empty for a community answer
    source: ExportSource | None = None
    # The answer's verification in words (questions.vetting.verification_text):
    # listed after the tables, where parse_document passes over it.
    verification: str = ""


@dataclass(frozen=True, slots=True)
class ExportLayout:
    """What ``render_document`` put where, for the command's report."""

    text: str
    table_rows: int
    prompt_sections: int
    models: tuple[str, ...]


def render_document(
    items: Sequence[ExportItem],
    *,
    title: str = "MLQA: machine-learning interview questions",
    default_model: str = "Community",
) -> ExportLayout:
    """A collection document that ``parse_document`` reads back into the same items.

    Answers a table cell can carry unchanged go into one table per model (the
    most common model first); the others (code blocks, lists, line breaks)
    become prompt sections, grouped under a heading naming their source.
    Community answers, which have no model, join the first table.
    """
    counts = Counter(item.ai_model for item in items if item.ai_model)
    models = [model for model, _ in counts.most_common()] or [default_model]
    primary = models[0]

    table_rows: dict[str, list[ExportItem]] = {model: [] for model in models}
    prompts: dict[ExportSource | None, list[ExportItem]] = {}
    for item in items:
        if fits_in_cell(plain_text(item.question)) and fits_in_cell(item.answer):
            table_rows[item.ai_model or primary].append(item)
        else:
            prompts.setdefault(item.source, []).append(item)

    used = {item.source for item in items if item.source}
    out = [f"# {title}", "", "Questions and the best answer to each, exported from MLQA.", ""]
    if used:
        out += ["### Sources", ""]
        out += [f"* [{_link_text(s.name)}]({s.url})" for s in sorted(used, key=_source_order)]
        out.append("")
    for source in sorted(prompts, key=lambda s: (s is not None, _source_order(s))):
        out += [f"### {plain_text(source.name) if source else 'Prompts'}", ""]
        for item in prompts[source]:
            out += [_quote(plain_text(item.question)), "", _section_safe(item.answer), ""]
    for model in models:
        rows = table_rows[model]
        if not rows and model != primary:
            continue
        cell_model = markdown_to_cell(model)
        out += [f"### {model} answers", "", f"| Question | Source | {cell_model} |"]
        out.append("|:---------|:------:|:--------|")
        for item in rows:
            source = markdown_to_cell(plain_text(item.source.name)) if item.source else ""
            question = markdown_to_cell(plain_text(item.question))
            out.append(f"| {question} | {source} | {markdown_to_cell(item.answer)} |")
        out.append("")
    # In the document's order (prompt sections, then tables), which an import
    # keeps: the same file exports the same way again.
    in_order = [item for source in sorted(prompts, key=lambda s: (s is not None, _source_order(s)))
                for item in prompts[source]]  # fmt: skip
    in_order += [item for model in models for item in table_rows[model]]
    judged = [item for item in in_order if item.verification]
    if judged:
        out += ["### Verification of these answers", ""]
        for item in judged:
            # A paragraph that starts with the state: never a quote, a table or
            # a link the parser would read as a question or a source.
            first_line = " ".join(item.question.split("\n", 1)[0].split())
            out += [f"{item.verification} · {escape(first_line)}", ""]
    return ExportLayout(
        text="\n".join(out),
        table_rows=sum(len(rows) for rows in table_rows.values()),
        prompt_sections=sum(len(section) for section in prompts.values()),
        models=tuple(models),
    )


def _source_order(source: ExportSource | None) -> str:
    return source.name.casefold() if source else ""


def plain_text(text: str) -> str:
    """Text that a markdown viewer shows as written, never as HTML: ``&``, ``<``
    and ``>`` as character references (the reader turns them back)."""
    return html.escape(text, quote=False)


def _link_text(name: str) -> str:
    name = plain_text(name)
    return name.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _quote(question: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in question.split("\n"))


def _section_safe(answer: str) -> str:
    """The answer, changed only where it would end its prompt section early.

    A heading at the top level becomes a bold line, a block quote has its
    ``>`` escaped, and a code fence left open is closed.
    """
    lines = answer.split("\n")
    blocks = list(_top_level_blocks(_block_parser().parse(answer)))
    for opener, tokens in reversed(blocks):
        begin, end = opener.map
        if opener.type == "heading_open":
            lines[begin:end] = [f"**{tokens[1].content.strip()}**"]
        elif opener.type == "blockquote_open":
            for number in range(begin, end):
                stripped = lines[number].lstrip()
                if stripped.startswith(">"):
                    indent = lines[number][: len(lines[number]) - len(stripped)]
                    lines[number] = f"{indent}\\{stripped}"
        elif opener.type == "table_open" and _collection_model(tokens) is not None:
            lines[begin] = lines[begin].replace("|", "\\|", 1)
    text = "\n".join(lines)
    tail = list(_top_level_blocks(_block_parser().parse(f"{text}\n\n# end\n")))
    if tail and tail[-1][0].type in {"fence", "math_block"}:
        last = tail[-1][0]
        text = f"{text}\n{last.markup if last.type == 'fence' else '$$'}"
    return text


def export_items(
    *, min_score: int | None = None, include_community: bool = False
) -> list[ExportItem]:
    """Published questions with their best published answer, oldest question first.

    Best = the moderator's pick, then the highest score, then the oldest
    (``AnswerQuerySet.ranked``). Only AI answers unless ``include_community``;
    answers scoring below ``min_score`` do not count. A question left with no
    answer is not exported.
    """
    answers = Answer.objects.published().filter(question__status=Status.PUBLISHED)
    if not include_community:
        answers = answers.filter(origin=Origin.AI)
    if min_score is not None:
        answers = answers.filter(score__gte=min_score)
    best: dict[int, dict] = {}
    ranked = answers.order_by("question_id", *RANKING)
    state_fields = ("verification", "verdicts_correct", "verdicts_partly", "verdicts_wrong",
                    "verification_confirmed_by_id", "corrected_at")  # fmt: skip
    fields = ("question_id", "body", "origin", "ai_model", *state_fields)
    for row in ranked.values(*fields).iterator():
        best.setdefault(row["question_id"], row)
    items = []
    questions = Question.objects.published().select_related("source").order_by("id")
    for question in questions.iterator(chunk_size=2000):
        answer = best.get(question.pk)
        if answer is None:
            continue
        source = question.source
        items.append(
            ExportItem(
                question=question_text(question.title, question.body),
                answer=trim_blank_lines(answer["body"].replace("\r\n", "\n")),
                ai_model=answer["ai_model"] if answer["origin"] == Origin.AI else "",
                source=ExportSource(source.name, source.url) if source else None,
                verification=verification_text(
                    Answer(**{name: answer[name] for name in state_fields})
                ),
            )
        )
    return items
