"""Exports of a member's bookmarks: an Anki deck (.apkg), CSV and markdown."""

import csv
import io
import itertools
import re
import sqlite3
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import genanki
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from questions import collection
from questions.models import Answer, Origin
from questions.vetting import verification_text

from .models import Bookmark
from .scheduling import utc_now
from .selectors import BookmarkFilters, attach_best_answers, best_answer_id, member_bookmarks

# Stable ids, so that importing a newer export into Anki updates the notes it
# already has (matched by GUID) instead of adding duplicates. Never change them.
ANKI_DECK_ID = 1_742_913_604
ANKI_MODEL_ID = 1_585_220_771
ANKI_CSS = """
.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.5;
        text-align: left; max-width: 46em; margin: 0 auto; }
.badge { display: inline-block; font-size: 13px; font-weight: 600; padding: 1px 8px;
         border-radius: 999px; background: #e1f5e9; color: #0b6b3a; }
.badge.ai { background: #fff1de; color: #7a3e00; }
.note { border-left: 4px solid #1f5fbf; padding: 0 12px; margin-top: 16px; }
.source { color: #5a6370; font-size: 14px; margin-top: 16px; }
pre { overflow-x: auto; background: #f1f3f6; padding: 8px; }
"""
ANKI_MODEL = genanki.Model(
    ANKI_MODEL_ID,
    "MLQA interview question",
    fields=[
        {"name": "Question"},
        {"name": "Answer"},
        {"name": "Note"},
        {"name": "Source"},
    ],
    templates=[
        {
            "name": "Question → answer",
            "qfmt": "{{Question}}",
            "afmt": (
                '{{FrontSide}}<hr id="answer">{{Answer}}'
                '{{#Note}}<div class="note"><strong>My note</strong>{{Note}}</div>{{/Note}}'
                '<div class="source">{{Source}}</div>'
            ),
        }
    ],
    css=ANKI_CSS,
)


def anki_guid(question_id: int) -> str:
    """The note GUID for a question: the same on every export."""
    return genanki.guid_for("mlqa-question", question_id)


def export_bookmarks(user: User, filters: BookmarkFilters | None = None) -> list[Bookmark]:
    """The member's bookmarks as the exports need them (``best_answer`` attached)."""
    filters = filters or BookmarkFilters()
    bookmarks = list(member_bookmarks(user, filters).annotate(best_answer_id=best_answer_id()))
    attach_best_answers(bookmarks)
    return bookmarks


def answer_label(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.origin == Origin.AI:
        return f"AI-generated · {answer.ai_model}"
    return "Imported" if answer.origin == Origin.IMPORTED else "Community answer"


def _anki_fields(bookmark: Bookmark, base_url: str) -> list[str]:
    question = bookmark.question
    front = f"<h2>{escape(question.title)}</h2>{question.body_html}"
    answer = bookmark.best_answer
    if answer is None:
        back = "<p><em>No answer yet.</em></p>"
    else:
        css = "badge ai" if answer.origin == Origin.AI else "badge"
        back = (
            f'<p><span class="{css}">{escape(answer_label(answer))}</span> '
            f'<span class="state">{escape(verification_text(answer))}</span></p>'
            f"{answer.body_html}"
        )
    source = ""
    if question.source:
        source = escape(question.source.name)
        if question.source_reference:
            source += f", {escape(question.source_reference)}"
        source += " · "
    link = base_url.rstrip("/") + question.get_absolute_url()
    source += f'<a href="{escape(link)}">MLQA</a>'
    return [front, back, bookmark.note_html, source]


def _anki_tags(bookmark: Bookmark) -> list[str]:
    question = bookmark.question
    tags = ["mlqa", f"difficulty::{question.difficulty}"]
    tags += [f"topic::{topic.slug}" for topic in question.topics.all()]
    return tags


def build_apkg(bookmarks: list[Bookmark], *, base_url: str, now: datetime | None = None) -> bytes:
    """An Anki package (.apkg: a zip holding a SQLite collection) of the bookmarks."""
    now = utc_now(now)
    deck = genanki.Deck(ANKI_DECK_ID, "MLQA bookmarks", description="Exported from MLQA.")
    for bookmark in bookmarks:
        deck.add_note(
            genanki.Note(
                model=ANKI_MODEL,
                fields=_anki_fields(bookmark, base_url),
                sort_field=bookmark.question.title,
                tags=_anki_tags(bookmark),
                guid=anki_guid(bookmark.question_id),
            )
        )
    deck.add_model(ANKI_MODEL)
    timestamp = now.timestamp()
    # genanki's own write_to_file leaves its temporary database behind; this
    # writes the same collection into a directory that is always cleaned up.
    with tempfile.TemporaryDirectory(prefix="mlqa-apkg-") as folder:
        path = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(path)
        try:
            genanki.Package(deck).write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            package.write(path, "collection.anki2")
            package.writestr("media", "{}")
    return buffer.getvalue()


CSV_COLUMNS = [
    "question",
    "url",
    "source",
    "source_reference",
    "topics",
    "difficulty",
    "answer",
    "answer_origin",
    "answer_verification",
    "note",
    "bookmarked_at",
    "practice_state",
    "due",
]
# A part of a cell that a spreadsheet may run as a formula: one starting (after
# spaces) with = + - @ or a tab, at the start of the cell or after a comma, a
# semicolon or a line break, where a spreadsheet splitting the file otherwise
# than on commas (or a cell pasted elsewhere) starts a new cell.
_FORMULA_PART = re.compile(r"(^|[,;\n])( *)(?=[=+\-@\t])")


def _csv_cell(value) -> str:
    """Text no spreadsheet runs as a formula: each risky part gets a leading '."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _FORMULA_PART.sub(r"\1\2'", text)


def build_csv(bookmarks: list[Bookmark], *, base_url: str) -> str:
    out = io.StringIO()
    # Every cell quoted: a separator or a line break inside one stays inside it.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for bookmark in bookmarks:
        question = bookmark.question
        answer = bookmark.best_answer
        row = [
            question.title,
            base_url.rstrip("/") + question.get_absolute_url(),
            question.source.name if question.source else "",
            question.source_reference,
            ", ".join(topic.name for topic in question.topics.all()),
            question.difficulty,
            answer.body if answer else "",
            (answer.ai_model if answer.origin == Origin.AI else answer.origin) if answer else "",
            verification_text(answer),
            bookmark.note,
            bookmark.created_at.astimezone(UTC).isoformat(timespec="seconds"),
            bookmark.practice_label.lower(),
            bookmark.due.astimezone(UTC).isoformat(timespec="seconds") if bookmark.due else "",
        ]
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


_BACKTICK_RUN = re.compile(r"`+")


def build_markdown(bookmarks: list[Bookmark], *, now: datetime | None = None) -> str:
    """The bookmarks in the collection's format, then the member's notes.

    The questions, best answers and source list are written by the collection
    writer (``collection.render_document``, as ``export_markdown`` does), so
    ``collection.parse_document`` reads the file back into exactly these
    questions. Community answers get their own "Community" table. Each note
    goes in a fenced block under a heading: the parser passes over both, so a
    note's own block quotes, lists or tables are never read as questions.
    """
    now = utc_now(now)
    count = len(bookmarks)
    layout = collection.render_document(
        [_export_item(bookmark) for bookmark in bookmarks],
        title=(
            f"My MLQA bookmarks ({count} question{'s' if count != 1 else ''}, "
            f"exported on {timezone.localtime(now):%Y-%m-%d})"
        ),
    )
    lines = [layout.text]
    noted = [bookmark for bookmark in bookmarks if bookmark.note.strip()]
    if noted:
        lines += ["### My notes", ""]
        for bookmark in noted:
            note = bookmark.note.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
            fence = "`" * max([3, *(len(run) + 1 for run in _BACKTICK_RUN.findall(note))])
            title = collection.plain_text(" ".join(bookmark.question.title.split()))
            lines += [f"#### {title}", "", f"{fence}markdown", note, fence, ""]
    return "\n".join(lines)


def _export_item(bookmark: Bookmark) -> collection.ExportItem:
    """A bookmark as the collection writer takes it: question, best answer, source."""
    question = bookmark.question
    text = collection.question_text(question.title, question.body)
    if question.body and not collection.body_continues_title(question.title, question.body):
        text += "\n\n" + collection.trim_blank_lines(question.body.replace("\r\n", "\n"))
    answer = bookmark.best_answer
    source = question.source
    return collection.ExportItem(
        question=text,
        answer=collection.trim_blank_lines(answer.body.replace("\r\n", "\n")) if answer else "",
        ai_model=(answer.ai_model if answer.origin == Origin.AI else "Community") if answer else "",
        source=collection.ExportSource(source.name, source.url) if source else None,
        verification=verification_text(answer),
    )
