"""Text rules shared by the reader, the writer and the import: how questions are
compared, split into title and body, and how a source gets its name, kind and slug."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.utils.text import slugify

# --- Text helpers ----------------------------------------------------------------

if TYPE_CHECKING:
    from .entries import SourceLink

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
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.?!:;])\s+")
_ALNUM_RUN = re.compile(r"[^\W_]+")


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
