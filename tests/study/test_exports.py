"""Exports of a member's bookmarks: the Anki package opened as the zip and SQLite
database it is, the CSV parsed back, and the collection-format markdown."""

import csv
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from questions.collection import parse_document
from questions.models import Answer
from study import exports as study_exports
from study import services as study_services
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    BookmarkFactory,
    QuestionFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, member):
    client.force_login(member)
    return member


@pytest.fixture
def bookmarks(alice, other_member):
    stats = TopicFactory(name="Statistics", slug="statistics")
    book = SourceFactory(name="HuyenChip", slug="huyenchip")
    dropout = QuestionFactory(
        title="Why is validation loss | below training loss?",
        source=book,
        topics=[stats],
        difficulty="hard",
    )
    AIAnswerFactory(
        question=dropout, ai_model="ChatGPT", body="It is overfitting.\n\nUse **dropout**."
    )
    community = AnswerFactory(question=dropout, body="Dropout is *off* at evaluation.")
    Answer.objects.filter(pk=community.pk).update(score=2, upvotes=2)
    pvalue = QuestionFactory(title="What is a p-value?", source=book)
    AIAnswerFactory(question=pvalue, ai_model="ChatGPT", body="=1+1 is not a p-value")
    unanswered = QuestionFactory(title="Explain beam search", source=None)

    first = BookmarkFactory(user=alice, question=dropout)
    study_services.save_note(user=alice, bookmark=first, note="Say *dropout* | first")
    BookmarkFactory(user=alice, question=pvalue)
    BookmarkFactory(user=alice, question=unanswered)
    secret = BookmarkFactory(user=other_member, question=dropout)
    study_services.save_note(user=other_member, bookmark=secret, note="bob's secret")
    return {"dropout": dropout, "pvalue": pvalue, "unanswered": unanswered}


def open_apkg(content: bytes, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert set(package.namelist()) == {"collection.anki2", "media"}
        assert json.loads(package.read("media")) == {}
        (tmp_path / "collection.anki2").write_bytes(package.read("collection.anki2"))
    return sqlite3.connect(tmp_path / "collection.anki2")


def notes(db: sqlite3.Connection) -> dict[str, tuple[list[str], str, int]]:
    rows = db.execute("SELECT guid, flds, tags, mid FROM notes").fetchall()
    return {guid: (fields.split("\x1f"), tags, mid) for guid, fields, tags, mid in rows}


def test_anki_deck_has_one_note_per_bookmark_with_stable_ids(client, bookmarks, tmp_path):
    response = client.get("/bookmarks/export.apkg")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/apkg"
    assert response["Content-Disposition"].startswith('attachment; filename="mlqa-bookmarks-')
    assert "no-store" in response["Cache-Control"]
    db = open_apkg(response.content, tmp_path)

    found = notes(db)
    dropout = bookmarks["dropout"]
    assert set(found) == {study_exports.anki_guid(q.pk) for q in bookmarks.values()}
    fields, tags, model_id = found[study_exports.anki_guid(dropout.pk)]
    question, answer, note, source = fields
    assert model_id == study_exports.ANKI_MODEL_ID
    assert "Why is validation loss | below training loss?" in question
    # The best answer (top score) with its badge, as HTML.
    assert "Community answer" in answer
    assert "<em>off</em>" in answer
    assert "overfitting" not in answer
    assert note == "<p>Say <em>dropout</em> | first</p>\n"
    assert "bob's secret" not in json.dumps(found)
    assert "HuyenChip" in source
    assert f"http://testserver{dropout.get_absolute_url()}" in source
    assert set(tags.split()) == {"mlqa", "difficulty::hard", "topic::statistics"}
    assert "No answer yet" in found[study_exports.anki_guid(bookmarks["unanswered"].pk)][0][1]

    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    assert decks[str(study_exports.ANKI_DECK_ID)]["name"] == "MLQA bookmarks"
    assert str(study_exports.ANKI_MODEL_ID) in models
    cards = db.execute("SELECT did, COUNT(*) FROM cards GROUP BY did").fetchall()
    assert cards == [(study_exports.ANKI_DECK_ID, 3)]


def test_a_second_export_keeps_the_guids_so_anki_updates_the_notes(
    client, alice, bookmarks, tmp_path
):
    first = notes(open_apkg(client.get("/bookmarks/export.apkg").content, tmp_path))
    dropout = alice.bookmarks.get(question=bookmarks["dropout"])
    study_services.save_note(user=alice, bookmark=dropout, note="changed")
    (tmp_path / "again").mkdir()
    second = notes(open_apkg(client.get("/bookmarks/export.apkg").content, tmp_path / "again"))
    assert set(second) == set(first)
    assert second[study_exports.anki_guid(bookmarks["dropout"].pk)][0][2] == "<p>changed</p>\n"


def test_anki_export_leaves_no_temporary_files(alice, bookmarks, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    study_exports.build_apkg(study_exports.export_bookmarks(alice), base_url="http://testserver/")
    assert list(tmp_path.iterdir()) == []


def test_csv_export_parses_back_with_answers_and_notes(client, bookmarks):
    response = client.get("/bookmarks/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(rows[0]) == study_exports.CSV_COLUMNS
    by_title = {row["question"]: row for row in rows}
    assert set(by_title) == {
        "Why is validation loss | below training loss?",
        "What is a p-value?",
        "Explain beam search",
    }
    dropout = by_title["Why is validation loss | below training loss?"]
    assert dropout["answer"] == "Dropout is *off* at evaluation."
    assert dropout["answer_origin"] == "community"
    assert dropout["note"] == "Say *dropout* | first"
    assert dropout["topics"] == "Statistics"
    assert dropout["source"] == "HuyenChip"
    assert dropout["practice_state"] == "new"
    assert dropout["url"].endswith(bookmarks["dropout"].get_absolute_url())
    # A cell that a spreadsheet would run as a formula is defused.
    assert by_title["What is a p-value?"]["answer"] == "'=1+1 is not a p-value"
    assert by_title["What is a p-value?"]["answer_origin"] == "ChatGPT"
    assert by_title["Explain beam search"]["answer"] == ""
    assert "bob's secret" not in response.content.decode()


def test_csv_export_quotes_every_cell_and_defuses_every_formula_part(client, alice):
    """A spreadsheet splitting on semicolons, or a cell pasted elsewhere, starts a new
    cell after a comma, a semicolon or a line break: no part of a cell may start a
    formula there either."""
    question = QuestionFactory(title="Sum;=1+1", source=SourceFactory(name=" @SUM(A1)"))
    AIAnswerFactory(
        question=question,
        ai_model="ChatGPT",
        body='Fine,=HYPERLINK("http://x")\r\n+1 and\n-2;\t=3\r=4',
    )
    bookmark = BookmarkFactory(user=alice, question=question)
    study_services.save_note(user=alice, bookmark=bookmark, note="a, =cmd|' /C calc'!A0;@x")

    text = client.get("/bookmarks/export.csv").text

    # Every cell is quoted: writing the rows back quoting all gives the same file.
    rows = list(csv.reader(io.StringIO(text)))
    again = io.StringIO()
    csv.writer(again, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    assert again.getvalue() == text
    [row] = list(csv.DictReader(io.StringIO(text)))
    for column, cell in row.items():
        for part in re.split(r"[,;\n]", cell):
            assert not part.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), (column, part)
    assert row["question"] == "Sum;'=1+1"
    assert row["source"] == " '@SUM(A1)"
    assert row["answer"] == "Fine,'=HYPERLINK(\"http://x\")\n'+1 and\n'-2;'\t=3\n'=4"
    assert row["note"] == "a, '=cmd|' /C calc'!A0;'@x"
    assert ',"medium",' in text  # quoted, although nothing in it needs quoting


def test_exports_follow_the_bookmark_filters(client, bookmarks):
    rows = list(
        csv.DictReader(io.StringIO(client.get("/bookmarks/export.csv?topic=statistics").text))
    )
    assert [row["question"] for row in rows] == ["Why is validation loss | below training loss?"]


def test_markdown_export_is_in_the_collection_format(client, bookmarks):
    response = client.get("/bookmarks/export.md")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# My MLQA bookmarks (3 questions, exported on ")
    lines = text.splitlines()
    assert "* [HuyenChip](https://example.com/book/)" in lines
    header = lines.index("| Question | Source | ChatGPT |")
    assert lines[header + 1] == "|:---------|:------:|:--------|"
    assert "| What is a p-value? | HuyenChip | =1+1 is not a p-value |" in lines
    community = lines.index("| Question | Source | Community |")
    row = lines[community + 2]
    assert row == (
        "| Why is validation loss \\| below training loss? | HuyenChip "
        "| Dropout is *off* at evaluation. |"
    )
    # No answer to put in a table: a prompt section with an empty answer.
    assert "> Explain beam search" in lines
    notes = lines.index("### My notes")
    assert lines[notes + 2 :] == [
        "#### Why is validation loss | below training loss?",
        "",
        "```markdown",
        "Say *dropout* | first",
        "```",
    ]
    assert "bob's secret" not in text


def test_markdown_export_writes_html_in_titles_as_text_and_reads_them_back(client, alice):
    title = "<script>alert(1)</script>"
    question = QuestionFactory(title=title, source=SourceFactory(name="<b>x</b>"))
    AIAnswerFactory(question=question, ai_model="ChatGPT", body="Never run it.")
    study_services.save_note(
        user=alice, bookmark=BookmarkFactory(user=alice, question=question), note="Remember."
    )

    text = client.get("/bookmarks/export.md").content.decode()

    assert "<script>" not in text
    assert "<b>" not in text
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"| {escaped} | &lt;b&gt;x&lt;/b&gt; | Never run it. |" in text.splitlines()
    assert f"#### {escaped}" in text.splitlines()  # the heading of the note
    parsed = parse_document(text)
    assert parsed.problems == []
    [entry] = parsed.entries
    assert (entry.question, entry.answer, parsed.source_for(entry).name) == (
        title,
        "Never run it.",
        "<b>x</b>",
    )


def test_an_empty_export_is_still_valid(client, alice, tmp_path):
    db = open_apkg(client.get("/bookmarks/export.apkg").content, tmp_path)
    assert db.execute("SELECT COUNT(*) FROM notes").fetchone() == (0,)
    rows = list(csv.reader(io.StringIO(client.get("/bookmarks/export.csv").text)))
    assert rows == [study_exports.CSV_COLUMNS]
    assert "0 questions" in client.get("/bookmarks/export.md").text


def test_the_markdown_export_parses_back_into_the_bookmarked_questions(client, alice):
    """The collection parser reads the export as the bookmarked questions with their
    answers and sources; the member's notes stay in the file but are not read as
    questions, answers or sources, whatever markdown they hold."""
    book = SourceFactory(
        name="HuyenChip's Book", slug="huyenchip", url="https://huyenchip.com/ml-interviews-book/"
    )
    site = SourceFactory(
        name="InterviewBit", slug="interviewbit", url="https://www.interviewbit.com/ml/"
    )
    loss = QuestionFactory(title="Why is validation loss below training loss?", source=book)
    AIAnswerFactory(
        question=loss,
        ai_model="ChatGPT",
        body="Dropout is off at evaluation.\n\nThe training loss is an epoch average.",
    )
    beam = QuestionFactory(title="How does beam search work?", source=site)
    AIAnswerFactory(
        question=beam,
        ai_model="ChatGPT",
        body="Keep the k best partial sequences:\n\n```python\nbeams = top_k(scores, k)\n```",
    )
    notes = {
        loss: "> Is dropout on at test time?\n\nNo: *remember* this one.",
        beam: (
            "* [my summary](https://notes.example/beam)\n\n"
            "| Question | Source | Mine |\n|---|---|---|\n| Trick question? | Me | Yes |\n\n"
            "````\n```\nstill my note\n````"
        ),
    }
    for question, note in notes.items():
        study_services.save_note(
            user=alice, bookmark=BookmarkFactory(user=alice, question=question), note=note
        )

    text = client.get("/bookmarks/export.md").content.decode()
    parsed = parse_document(text)

    assert parsed.problems == []
    found = {
        entry.question: (entry.answer, entry.ai_model or "", parsed.source_for(entry))
        for entry in parsed.entries
    }
    assert {
        question: (answer, model, (link.name, link.url))
        for question, (answer, model, link) in found.items()
    } == {
        "Why is validation loss below training loss?": (
            "Dropout is off at evaluation.\n\nThe training loss is an epoch average.",
            "ChatGPT",
            ("HuyenChip's Book", "https://huyenchip.com/ml-interviews-book/"),
        ),
        "How does beam search work?": (
            "Keep the k best partial sequences:\n\n```python\nbeams = top_k(scores, k)\n```",
            "",
            ("InterviewBit", "https://www.interviewbit.com/ml/"),
        ),
    }
    assert [link.url for link in parsed.sources] == [
        "https://huyenchip.com/ml-interviews-book/",
        "https://www.interviewbit.com/ml/",
    ]
    entries_text = " ".join(f"{e.question} {e.answer} {e.source_key}" for e in parsed.entries)
    for fragment in ["dropout on at test time", "remember", "Trick question", "still my note"]:
        assert fragment not in entries_text
        assert fragment in text
