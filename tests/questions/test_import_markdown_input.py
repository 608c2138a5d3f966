"""manage.py import_markdown: sources and options, bad input, search and links."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from questions import services
from questions.models import (
    Answer,
    Question,
    Source,
)
from tests.questions.test_import_markdown import (
    EDGE,
    FIXTURES,
    MALFORMED,
    counts,
    line_of,
    run,
    table,
)

pytestmark = pytest.mark.django_db


# --- Sources and options --------------------------------------------------------------


def test_prompt_sections_take_the_source_option_and_sources_are_reused():
    summary, _ = run(FIXTURES / "prompts-only.md", "--ai-model", "ChatGPT", "--source", "Team wiki")
    assert counts(summary, "sources") == (1, 0, 0)
    assert set(Question.objects.values_list("source__name", flat=True)) == {"Team wiki"}
    softmax = Answer.objects.get(question__title__startswith="Write a NumPy function")
    assert softmax.ai_model == "ChatGPT"
    assert "    # subtract the max for numerical stability\n" in softmax.body

    summary, _ = run(FIXTURES / "prompts-only.md", "--ai-model", "ChatGPT", "--source", "team WIKI")
    assert counts(summary, "sources") == (0, 0, 1)
    assert Source.objects.count() == 1


def test_prompt_sections_without_a_table_need_a_model():
    with pytest.raises(CommandError, match=r"prompts-only\.md: .*--ai-model"):
        run(FIXTURES / "prompts-only.md")
    assert not Question.objects.exists()


def test_dry_run_reports_real_counts_and_saves_nothing(readme):
    summary, _ = run(readme, "--dry-run")
    assert summary["dry_run"] is True
    assert counts(summary, "questions") == (32, 0, 0)
    assert counts(summary, "sources") == (2, 0, 0)
    assert table() == (0, 0, 0, 0)

    out = StringIO()
    call_command("import_markdown", str(readme), "--dry-run", stdout=out, stderr=StringIO())
    assert "Dry run: nothing was saved." in out.getvalue()
    assert table() == (0, 0, 0, 0)


def test_json_summary_is_the_only_thing_on_stdout():
    out, err = StringIO(), StringIO()
    call_command("import_markdown", str(EDGE), "--format", "json", stdout=out, stderr=err)
    summary = json.loads(out.getvalue())
    assert summary["files"] == [str(EDGE)]
    assert summary["warnings"] == [
        {
            "path": str(EDGE),
            "line": line_of(EDGE, "Is this question answered?"),
            "message": "no answer: the question is imported without one",
        }
    ]
    assert "no answer" in err.getvalue()


def test_progress_is_shown_for_large_files_when_asked(tmp_path):
    rows = "\n".join(f"| Question number {n}? | | Answer {n}. |" for n in range(301))
    path = tmp_path / "big.md"
    path.write_text(f"| Question | Source | ChatGPT |\n|---|---|---|\n{rows}\n", encoding="utf-8")
    summary, err = run(path, "--progress")
    assert counts(summary, "questions") == (301, 0, 0)
    assert "\r250/301 entries" in err
    assert err.endswith("\r301/301 entries\n")
    assert Question.objects.filter(answer_count=1).count() == 301

    _, err = run(EDGE, "--progress")  # a small file: no progress line
    assert "entries" not in err


# --- Bad input ------------------------------------------------------------------------


def test_a_malformed_file_imports_nothing_and_names_each_bad_line():
    with pytest.raises(CommandError) as error:
        run(MALFORMED)
    message = str(error.value)
    assert message.startswith("Nothing imported: 5 problem(s) in the input.")
    for needle, text in [
        ("What is P(A|B)?", "table row has 4 cells, expected 3"),
        ("Only two cells here", "table row has 2 cells, expected 3"),
        ("An answer without a question", "empty question"),
        ("What is weight decay?", "table row outside the table"),
    ]:
        assert f"malformed.md:{line_of(MALFORMED, needle)}: {text}" in message
    empty_prompt = line_of(MALFORMED, "An answer to an empty prompt") - 2
    assert f"malformed.md:{empty_prompt}: empty question" in message
    assert "--skip-invalid" in message
    assert table() == (0, 0, 0, 0)


def test_skip_invalid_imports_the_valid_rows_and_reports_each_skipped_line():
    summary, err = run(MALFORMED, "--skip-invalid")
    assert counts(summary, "questions") == (3, 0, 0)
    assert set(Question.objects.values_list("title", flat=True)) == {
        "What is dropout?",
        "What is batch normalisation?",
        "What is early stopping?",
    }
    assert len(summary["skipped"]) == 5
    assert err.count("skipped ") == 5
    assert f"skipped {MALFORMED}:{line_of(MALFORMED, 'Only two cells')}: table row" in err


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("latin1.md", r"latin1\.md:5: not UTF-8 text \(byte 0xe9 at line 5\)"),
        ("missing.md", r"missing\.md: cannot read the file: No such file or directory"),
    ],
)
def test_unreadable_files_are_refused_by_name(name, expected):
    with pytest.raises(CommandError, match=expected):
        run(EDGE, FIXTURES / name)
    assert table() == (0, 0, 0, 0)  # not even the good file of the run


def test_skip_invalid_skips_an_unreadable_file_and_imports_the_others():
    summary, err = run(EDGE, FIXTURES / "latin1.md", "--skip-invalid")
    assert counts(summary, "questions") == (7, 0, 0)
    assert "latin1.md:5: not UTF-8" in err


def test_a_failure_while_writing_rolls_the_whole_run_back(monkeypatch, readme):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.imports, "_revise_answers", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        run(readme)
    assert table() == (0, 0, 0, 0)


def test_the_command_exits_non_zero_on_bad_input():
    result = subprocess.run(
        [sys.executable, "manage.py", "import_markdown", str(MALFORMED)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "mlqa_site.settings.test"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"malformed.md:{line_of(MALFORMED, 'Only two cells')}: table row" in result.stderr
    assert result.stdout == ""


def test_a_bare_source_gets_its_url_from_a_later_source_list(readme):
    bare = Source.objects.create(name="HuyenChip's Book", slug="huyenchips-book", url="")
    summary, _ = run(readme)
    assert counts(summary, "sources") == (1, 1, 0)
    bare.refresh_from_db()
    assert bare.url == "https://huyenchip.com/ml-interviews-book/"
    assert bare.questions.count() == 18


@pytest.mark.postgres
def test_imported_and_revised_answers_are_searchable(tmp_path):
    from questions.search import search

    path = tmp_path / "search.md"
    row = "| What is knowledge distillation? | | A small student mimics a {} teacher. |\n"
    path.write_text(f"| Question | Source | ChatGPT |\n|---|---|---|\n{row.format('large')}")
    run(path)
    question = Question.objects.get()
    assert list(search(Question.objects.all(), "student")) == [question]

    path.write_text(f"| Question | Source | ChatGPT |\n|---|---|---|\n{row.format('gigantic')}")
    run(path)
    assert list(search(Question.objects.all(), "gigantic")) == [question]


def test_a_link_in_the_source_cell_is_a_source_with_its_url(tmp_path):
    path = tmp_path / "linked.md"
    path.write_text(
        "| Question | Source | ChatGPT |\n|---|---|---|\n"
        "| What is perplexity? | [NLP notes](https://example.org/nlp/) | exp of the loss. |\n",
        encoding="utf-8",
    )
    run(path)
    source = Question.objects.get().source
    assert (source.name, source.url) == ("NLP notes", "https://example.org/nlp/")
