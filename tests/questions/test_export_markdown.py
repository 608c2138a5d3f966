"""manage.py export_markdown: the site's vetted content, in the format import_markdown reads."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from questions import services
from questions.collection import (
    ExportItem,
    ExportSource,
    parse_document,
    render_document,
    split_title,
)
from questions.models import Answer, Origin, Question, Source, SourceKind, Status
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    QuestionFactory,
    SourceFactory,
    UserFactory,
)
from tests.shared_data import shared_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def readme() -> Path:
    return shared_file("chatgpt-mle-interview", "README.md")


def export(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command("export_markdown", *[str(arg) for arg in args], "-", stdout=out, stderr=err)
    assert err.getvalue().startswith("Exported ")
    return out.getvalue()


def import_text(text: str, tmp_path: Path, *args) -> dict:
    path = tmp_path / "exported.md"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command(
        "import_markdown", str(path), *args, "--format", "json", stdout=out, stderr=StringIO()
    )
    return json.loads(out.getvalue())


def snapshot() -> set[tuple]:
    """What an import must reproduce: each question with its source and AI answers."""
    return {
        (
            answer.question.title,
            answer.question.body,
            answer.question.source.name if answer.question.source else None,
            answer.question.source.url if answer.question.source else None,
            answer.body,
            answer.origin,
            answer.ai_model,
        )
        for answer in Answer.objects.select_related("question__source")
    }


def wipe() -> None:
    Answer.objects.all().delete()
    Question.objects.all().delete()
    Source.objects.all().delete()


def test_import_of_the_export_reproduces_the_collection(readme, tmp_path):
    call_command("import_markdown", str(readme), stdout=StringIO(), stderr=StringIO())
    before = snapshot()
    text = export()

    assert text.startswith("# ")
    assert "* [HuyenChip's Book](https://huyenchip.com/ml-interviews-book/)" in text
    assert "| Question | Source | ChatGPT |" in text
    assert "> Write a Python Airflow job that counts how many users our chat app has" in text
    assert "``` python\nimport airflow" in text

    # Into the same site: nothing to do.
    summary = import_text(text, tmp_path)
    assert summary["questions"] == {"created": 0, "updated": 0, "unchanged": 32}
    assert summary["answers"] == {"created": 0, "updated": 0, "unchanged": 32}

    # Into an empty site: the same questions, sources and answers.
    wipe()
    summary = import_text(text, tmp_path)
    assert summary["questions"]["created"] == 32
    assert snapshot() == before
    assert export() == text


def test_the_file_lands_where_asked(readme, tmp_path):
    call_command("import_markdown", str(readme), stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    target = tmp_path / "collection.md"
    call_command("export_markdown", str(target), stdout=out)
    assert out.getvalue().startswith(f"Exported 32 questions to {target}: ")
    assert "as prompt sections" in out.getvalue()
    assert target.read_text(encoding="utf-8") == export()


def test_an_unwritable_target_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot write the file"):
        call_command("export_markdown", str(tmp_path / "no" / "such" / "dir.md"))


@pytest.fixture
def contested():
    """A question whose AI answer was bettered by the community."""
    question = QuestionFactory(title="Is validation loss below training loss overfitting?")
    ai = AIAnswerFactory(question=question, body="Yes, that is overfitting.")
    best = AnswerFactory(question=question, body="No: dropout is only on while training.")
    featured = AnswerFactory(question=question, body="Usually not; check for leakage.")
    voters = [UserFactory() for _ in range(3)]
    for voter in voters:
        services.cast_vote(user=voter, answer=best, choice="up")
    services.cast_vote(user=voters[0], answer=ai, choice="down")
    return question, ai, best, featured


def test_by_default_only_ai_answers_are_published(contested):
    text = export()
    assert "Yes, that is overfitting." in text
    assert "dropout" not in text


def test_include_community_picks_the_featured_then_the_best_scored_answer(contested):
    *_, featured = contested
    assert "| No: dropout is only on while training. |" in export("--include-community")
    Answer.objects.filter(pk=featured.pk).update(is_featured=True)
    text = export("--include-community")
    assert "Usually not; check for leakage." in text
    assert "dropout" not in text


def test_min_score_leaves_out_low_answers_and_questions_left_without_one(contested):
    QuestionFactory(title="A question nobody answered")
    text = export("--min-score", "0")
    assert "overfitting" not in text  # its only AI answer scores -1
    assert "nobody answered" not in text
    assert "dropout" in export("--include-community", "--min-score", "3")


def test_only_published_questions_and_answers_are_exported():
    AIAnswerFactory(question=QuestionFactory(title="Hidden question", status=Status.HIDDEN))
    AIAnswerFactory(question=QuestionFactory(title="Pending question", status=Status.PENDING))
    AIAnswerFactory(question=QuestionFactory(title="Visible question"), status=Status.HIDDEN)
    shown = AIAnswerFactory(question=QuestionFactory(title="Shown question"), body="Shown answer.")
    text = export()
    assert "Hidden question" not in text
    assert "Pending question" not in text
    assert "Visible question" not in text
    assert f"| {shown.question.title} |" in text
    assert "Shown answer." in text


def test_pipes_paragraphs_code_and_long_questions_survive_the_round_trip(tmp_path):
    wiki = SourceFactory(name="Team | wiki", slug="team-wiki", url="", kind=SourceKind.OTHER)
    book = SourceFactory(name="Deep Learning Book", slug="dl", url="https://example.org/dlbook/")
    long_text = ("This sentence sets up a long scenario about a ranking model. " * 5) + "Why?"
    title, body = split_title(long_text)  # as an import stores it
    assert body == long_text
    questions = [
        (
            "When is P(A | B) = P(A)?",
            wiki,
            "When A | B are independent.\n\nSo P(A ∩ B) = P(A)P(B).",
        ),
        (
            "Show a softmax in NumPy",
            book,
            "Like this:\n\n```python\n# stable\nz = x - x.max()\n```",
        ),
        ("List two optimisers", None, "- SGD\n- Adam"),
        ("Explain <br> in HTML", None, "It is a line break: <br>."),
        ("What does this snippet do?", None, "    x = 1\n    y = x + 1"),  # indented code
    ]
    for text, source, answer in questions:
        AIAnswerFactory(question=QuestionFactory(title=text, source=source), body=answer)
    AIAnswerFactory(
        question=QuestionFactory(title=title, body=body, source=book), body="Look at the data."
    )
    before = snapshot()
    text = export()

    assert (
        "| When is P(A \\| B) = P(A)? | Team \\| wiki | When A \\| B are independent.<br>" in text
    )
    assert "### Deep Learning Book\n\n> Show a softmax in NumPy" in text  # source kept by heading
    assert "> List two optimisers\n\n- SGD\n- Adam" in text  # a list cannot live in a cell
    assert "> Explain &lt;br&gt; in HTML" in text  # plain text, never HTML
    assert "* [Team | wiki]()" in text  # a source with no URL is listed all the same

    wipe()
    import_text(text, tmp_path)
    assert snapshot() == before


def test_html_in_titles_and_source_names_is_written_as_text_and_read_back(tmp_path):
    """A markdown viewer must not run a title as HTML; the import reads it back."""
    shady = SourceFactory(name="<b>Shady</b> & co", slug="shady", url="https://shady.example/")
    questions = [
        ("<script>alert(1)</script> in a table?", shady, "Plain answer."),
        ("<img src=x onerror=alert(1)> in a section?", shady, "Code:\n\n```\nx = 1\n```"),
        ("Is &lt; already an entity?", None, "It stays as typed."),
    ]
    for title, source, answer in questions:
        AIAnswerFactory(question=QuestionFactory(title=title, source=source), body=answer)
    before = snapshot()
    text = export()

    assert "<script>" not in text
    assert "<img" not in text
    assert "<b>" not in text
    assert "| &lt;script&gt;alert(1)&lt;/script&gt; in a table? | &lt;b&gt;Shady" in text
    assert "> &lt;img src=x onerror=alert(1)&gt; in a section?" in text
    assert "### &lt;b&gt;Shady&lt;/b&gt; &amp; co\n" in text
    assert "* [&lt;b&gt;Shady&lt;/b&gt; &amp; co](https://shady.example/)" in text
    assert "| Is &amp;lt; already an entity? |" in text

    parsed = parse_document(text)
    assert parsed.problems == []
    assert {entry.question for entry in parsed.entries} == {title for title, *_ in questions}
    wipe()
    import_text(text, tmp_path)
    assert snapshot() == before


def test_mixed_models_get_one_table_each_and_keep_their_names(tmp_path):
    for n in range(2):
        question = QuestionFactory(title=f"ChatGPT question {n}", source=None)
        AIAnswerFactory(question=question, ai_model="ChatGPT")
    AIAnswerFactory(question=QuestionFactory(title="Claude", source=None), ai_model="Claude")
    before = snapshot()
    text = export()
    assert text.index("| Question | Source | ChatGPT |") < text.index(
        "| Question | Source | Claude |"
    )
    wipe()
    import_text(text, tmp_path)
    assert snapshot() == before


def test_community_answers_go_to_the_main_table_and_come_back_as_its_model(tmp_path):
    question = QuestionFactory(title="What is label smoothing?")
    AnswerFactory(question=question, body="Soft targets instead of one-hot ones.")
    AIAnswerFactory(question=QuestionFactory(title="What is mixup?"), ai_model="ChatGPT")
    text = export("--include-community")
    assert "| What is label smoothing? |" in text
    wipe()
    import_text(text, tmp_path)
    smoothing = Answer.objects.get(question__title="What is label smoothing?")
    assert (smoothing.origin, smoothing.ai_model) == (Origin.AI, "ChatGPT")


def test_answers_with_headings_or_quotes_stay_in_one_prompt_section():
    items = [
        ExportItem(
            question="How do I structure an ML design interview answer?",
            answer="## Step 1\n\nClarify.\n\n> quote the requirement\n\n```\nno end fence",
            ai_model="ChatGPT",
            source=ExportSource("Guide", "https://example.org/guide"),
        ),
        ExportItem(question="And a follow-up?", answer="Yes.", ai_model="ChatGPT"),
    ]
    layout = render_document(items)
    assert (layout.table_rows, layout.prompt_sections) == (1, 1)
    parsed = parse_document(layout.text)
    assert not parsed.problems
    assert [entry.question for entry in parsed.entries] == [item.question for item in items]
    design = parsed.entries[0]
    assert design.answer == (
        "**Step 1**\n\nClarify.\n\n\\> quote the requirement\n\n```\nno end fence\n```"
    )
    assert parsed.source_for(design).url == "https://example.org/guide"
    # Once made safe, an answer goes through export and import unchanged.
    again = render_document(
        [ExportItem(question=e.question, answer=e.answer, ai_model="X") for e in parsed.entries]
    )
    assert [e.answer for e in parse_document(again.text).entries] == [
        e.answer for e in parsed.entries
    ]
