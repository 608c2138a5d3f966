"""manage.py import_markdown: the ChatGPT MLE-interview collection and its edge cases."""

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from questions import services
from questions.collection import parse_document, read_document, split_title
from questions.models import (
    Answer,
    AnswerRevision,
    Comment,
    Origin,
    Proposal,
    Question,
    Source,
    SourceKind,
    Vote,
)
from tests.factories import (
    AIAnswerFactory,
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "collection"
EDGE = FIXTURES / "edge-cases.md"
MALFORMED = FIXTURES / "malformed.md"


def run(*args) -> tuple[dict, str]:
    """Run the command with a JSON summary; returns (summary, stderr)."""
    out, err = StringIO(), StringIO()
    call_command(
        "import_markdown", *[str(arg) for arg in args], "--format", "json", stdout=out, stderr=err
    )
    return json.loads(out.getvalue()), err.getvalue()


def counts(summary: dict, kind: str) -> tuple[int, int, int]:
    return tuple(summary[kind][outcome] for outcome in ("created", "updated", "unchanged"))


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


def table() -> tuple:
    return (
        Question.objects.count(),
        Answer.objects.count(),
        AnswerRevision.objects.count(),
        Source.objects.count(),
    )


# --- The real collection -------------------------------------------------------------


def test_the_chatgpt_collection_imports_32_questions_with_one_ai_answer_each(readme):
    summary, _ = run(readme)

    assert counts(summary, "questions") == (32, 0, 0)
    assert counts(summary, "answers") == (32, 0, 0)
    assert counts(summary, "sources") == (2, 0, 0)
    by_source = Counter(Question.objects.values_list("source__url", flat=True))
    assert by_source == {
        "https://huyenchip.com/ml-interviews-book/": 18,
        "https://www.interviewbit.com/data-science-interview-questions": 7,
        None: 7,  # the prompt sections
    }
    book = Source.objects.get(url="https://huyenchip.com/ml-interviews-book/")
    assert (book.name, book.kind) == ("HuyenChip's Book", SourceKind.BOOK)
    site = Source.objects.get(url__contains="interviewbit")
    assert site.kind == SourceKind.WEBSITE
    assert "interviewbit" in site.name.lower()

    per_question = Question.objects.annotate(
        ai=Count("answers", filter=Q(answers__origin=Origin.AI)), total=Count("answers")
    )
    assert set(per_question.values_list("ai", "total", "answer_count")) == {(1, 1, 1)}
    assert set(Answer.objects.values_list("origin", "ai_model", "author")) == {
        ("ai", "ChatGPT", None)
    }
    for answer in Answer.objects.all():
        assert answer.revision_count == 1
        assert list(answer.revisions.values_list("number", "body")) == [(1, answer.body)]
        assert answer.body_html


def test_answers_keep_their_code_blocks_intact(readme):
    run(readme)
    text = readme.read_text(encoding="utf-8")
    airflow = Answer.objects.get(question__title__startswith="Write a Python Airflow job")
    fence_start = text.index("``` python\nimport airflow")
    fence_end = text.index("```", fence_start + 3) + 3
    assert text[fence_start:fence_end] in airflow.body
    assert airflow.body.startswith("Assuming that our chat app")
    assert airflow.body.endswith("run the count_users function as a task in the Airflow DAG.")
    assert '<pre tabindex="0"><code class="language-python">' in airflow.body_html

    store = Answer.objects.get(question__title="Implement a feature store using only pure Python")
    assert "# Example usage\n\nfeature_store = FeatureStore()" in store.body  # code, no heading
    assert store.body.endswith("(such as a list or a dictionary).")

    # A table answer: <br> became paragraph breaks, nothing of the markup is left.
    distil = Answer.objects.get(question__title__startswith="Why do we try to reduce the size")
    assert "<br" not in distil.body
    assert distil.body.startswith("Training a smaller model")
    assert distil.body.count("\n\n") == 3
    assert distil.body_html.count("<p>") == 4


def test_reimporting_the_same_file_changes_nothing(readme):
    run(readme)
    before = table()
    updated = {a.pk: a.updated_at for a in Answer.objects.all()}
    summary, err = run(readme)
    assert counts(summary, "questions") == (0, 0, 32)
    assert counts(summary, "answers") == (0, 0, 32)
    assert counts(summary, "sources") == (0, 0, 2)
    assert table() == before
    assert {a.pk: a.updated_at for a in Answer.objects.all()} == updated
    assert not err


def test_the_seed_copy_gives_two_questions_and_matches_the_full_collection(seed, readme):
    summary, _ = run(seed)
    assert counts(summary, "questions") == (2, 0, 0)
    assert Question.objects.count() == 2

    summary, _ = run(readme)
    assert counts(summary, "questions") == (30, 0, 2)
    assert Question.objects.count() == 32
    assert Source.objects.count() == 2


def test_text_summary_lists_the_counts(readme):
    out = StringIO()
    call_command("import_markdown", str(readme), stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "Questions: 32 created, 0 updated, 0 unchanged" in text
    assert "Answers:   32 created, 0 updated, 0 unchanged" in text
    assert "Sources:   2 created, 0 updated, 0 unchanged" in text


def test_existing_sources_are_found_by_url_and_reused(readme):
    demo = SourceFactory(
        name="Machine Learning Interviews (Chip Huyen)",
        slug="huyen-ml-interviews",
        url="https://huyenchip.com/ml-interviews-book",  # no trailing slash
    )
    summary, _ = run(readme)
    assert counts(summary, "sources") == (1, 0, 1)
    assert Question.objects.filter(source=demo).count() == 18


# --- Edge cases ----------------------------------------------------------------------


def test_edge_cases_escaped_pipes_br_spellings_unicode_empty_cells_and_code_fences():
    summary, err = run(EDGE)
    assert counts(summary, "questions") == (7, 0, 0)
    assert counts(summary, "answers") == (6, 0, 0)  # one row has an empty answer cell
    assert f"edge-cases.md:{line_of(EDGE, 'Is this question answered?')}: no answer" in err

    pipes = Question.objects.get(title="When is P(A | B) equal to P(A)?")
    assert pipes.answers.get().body == (
        "When A and B are independent: P(A | B) = P(A).\n\nThen P(A ∩ B) = P(A) P(B)."
    )
    assert pipes.source.name == "Deep Learning Book"
    assert pipes.answers.get().ai_model == "GPT-4"  # the table header names the model

    breaks = Answer.objects.get(question__title="Name four spellings of a line break.")
    assert breaks.body == "First.\n\nSecond.\n\nThird.\n\nFourth."
    assert breaks.question.source.url == "https://example.org/ml-interview-questions/"

    empty_source = Question.objects.get(title="What is the softmax temperature?")
    assert empty_source.source is None
    unanswered = Question.objects.get(title="Is this question answered?")
    assert unanswered.answer_count == 0
    assert not unanswered.answers.exists()

    kl = Question.objects.get(title__startswith="Ünïcödé")
    assert kl.title == "Ünïcödé: what is the “Kullback–Leibler” divergence?"  # noqa: RUF001
    assert "KL(P‖Q) ≥ 0" in kl.answers.get().body
    assert (kl.source.name, kl.source.url) == ("Mystery Book", "")  # unknown key: bare source

    french = Question.objects.get(title__startswith="Qu'est-ce qu'un « embedding »")
    assert french.title.endswith("🤖")
    french_answer = "Un vecteur dense qui représente un mot — par exemple 「猫」."
    assert french.answers.get().body == french_answer

    grep = Answer.objects.get(question__title__startswith="What does `grep")
    assert "```bash\n# a comment, not a heading\n" in grep.body
    assert "## still code, not a heading\n```" in grep.body
    assert grep.body.endswith("That is all.")
    assert "<h1>" not in grep.body_html
    assert "<h2>" not in grep.body_html


def test_crlf_line_endings_give_the_same_result_as_lf():
    assert b"\r\n" in (FIXTURES / "edge-cases-crlf.md").read_bytes()
    lf = read_document(EDGE)
    crlf = read_document(FIXTURES / "edge-cases-crlf.md")
    assert crlf.entries == lf.entries
    assert crlf.sources == lf.sources

    run(EDGE)
    summary, _ = run(FIXTURES / "edge-cases-crlf.md")
    assert counts(summary, "questions") == (0, 0, 7)
    assert counts(summary, "answers") == (0, 0, 6)
    assert not Answer.objects.filter(body__contains="\r").exists()


def test_questions_match_whatever_their_case_spacing_and_punctuation():
    existing = QuestionFactory(title="What’s the  difference between L1 and L2 regularisation?")  # noqa: RUF001
    text = (
        "| Question | Source | ChatGPT |\n|---|---|---|\n"
        "| WHAT'S the difference between l1 and l2 regularisation | | L1 makes weights sparse. |\n"
    )
    collection = parse_document(text, "casing.md")
    summary = services.import_collection(collections=[collection])
    assert summary.questions["unchanged"] == 1
    assert Question.objects.get() == existing
    assert existing.answers.get().body == "L1 makes weights sparse."


def test_a_question_too_long_for_a_title_keeps_whole_sentences_and_its_full_text(tmp_path):
    first = "Suppose you train a language model on a corpus of support tickets. " * 4
    second = "How would you find out whether the model memorised customer data?"
    question = (first + second).strip()
    assert len(question) > 300
    path = tmp_path / "long.md"
    path.write_text(
        f"| Question | Source | ChatGPT |\n|---|---|---|\n| {question} | | Probe it. |\n",
        encoding="utf-8",
    )
    run(path)
    stored = Question.objects.get()
    assert len(stored.title) <= 300
    assert stored.title == first.strip()  # whole sentences, up to 300 characters
    assert stored.body == question
    summary, _ = run(path)
    assert counts(summary, "questions") == (0, 0, 1)


def test_one_endless_sentence_is_cut_at_a_word_with_an_ellipsis():
    title, body = split_title("why " * 120)
    assert len(title) <= 300
    assert title.endswith("why…")
    assert body == "why " * 120


def test_duplicate_questions_in_a_file_import_once_with_a_warning(tmp_path):
    path = tmp_path / "dupes.md"
    path.write_text(
        "| Question | Source | ChatGPT |\n|---|---|---|\n"
        "| What is a ROC curve? | | TPR against FPR. |\n"
        "| what is a roc curve | | Something else. |\n",
        encoding="utf-8",
    )
    summary, err = run(path)
    assert counts(summary, "questions") == (1, 0, 0)
    assert Answer.objects.get().body == "TPR against FPR."
    assert "dupes.md:4: same question as" in err


# --- Updates never touch the community ----------------------------------------------


def test_a_changed_ai_answer_becomes_a_new_revision_and_community_content_stays(tmp_path, readme):
    run(readme)
    question = Question.objects.get(title="When is the t-distribution useful?")
    ai = question.answers.get()
    member, voter = UserFactory(), UserFactory()
    community = AnswerFactory(
        question=question, author=member, body="Small samples, unknown sigma."
    )
    services.cast_vote(user=voter, answer=ai, choice="down")
    services.cast_vote(user=voter, answer=community, choice="up")
    CommentFactory(answer=ai, author=voter, body="Not quite.")
    before = (
        set(Vote.objects.values_list("pk", "value")),
        set(Comment.objects.values_list("pk", "body")),
        Answer.objects.filter(origin=Origin.COMMUNITY).values_list("pk", "body").get(),
    )

    newer = tmp_path / "README.md"
    newer.write_text(
        readme.read_text(encoding="utf-8").replace(
            "The t-distribution is a distribution", "The Student t-distribution is a distribution"
        ),
        encoding="utf-8",
    )
    summary, _ = run(newer)

    assert counts(summary, "questions") == (0, 0, 32)
    assert counts(summary, "answers") == (0, 1, 31)
    ai.refresh_from_db()
    assert ai.body.startswith("The Student t-distribution")
    assert "Student" in ai.body_html
    assert ai.revision_count == 2
    assert list(ai.revisions.values_list("number", flat=True)) == [1, 2]
    assert ai.revisions.get(number=2).body == ai.body
    assert (ai.score, ai.upvotes, ai.downvotes) == (-1, 0, 1)
    after = (
        set(Vote.objects.values_list("pk", "value")),
        set(Comment.objects.values_list("pk", "body")),
        Answer.objects.filter(origin=Origin.COMMUNITY).values_list("pk", "body").get(),
    )
    assert after == before
    question.refresh_from_db()
    assert question.answer_count == 2

    summary, _ = run(newer)
    assert counts(summary, "answers") == (0, 0, 32)


def test_an_ai_answer_the_community_improved_is_not_overwritten(tmp_path):
    path = tmp_path / "c.md"

    def write(answer: str) -> None:
        path.write_text(
            "| Question | Source | ChatGPT |\n|---|---|---|\n"
            f"| Is validation loss below training loss overfitting? | | {answer} |\n",
            encoding="utf-8",
        )

    write("Yes, it is overfitting.")
    run(path)
    answer = Answer.objects.get()
    member = UserFactory()
    proposal = Proposal.objects.create(answer=answer, author=member, body="No.", reason="Wrong")
    revision = services.revise_answer(answer=answer, body="No: dropout is off at validation.")
    AnswerRevision.objects.filter(pk=revision.pk).update(author=member, proposal=proposal)

    summary, err = run(path)  # the file did not change: the fix stays, no warning
    assert counts(summary, "answers") == (0, 0, 1)
    assert not err

    write("Yes, it is clearly overfitting.")  # the file changed too
    summary, err = run(path)
    assert counts(summary, "answers") == (0, 0, 1)
    assert "was edited on the site after it was imported" in err
    answer.refresh_from_db()
    assert answer.body == "No: dropout is off at validation."
    assert answer.revision_count == 2


def test_another_model_gets_its_own_ai_answer(readme):
    run(readme)
    summary, _ = run(readme, "--ai-model", "GPT-4o")
    assert counts(summary, "questions") == (0, 0, 32)
    assert counts(summary, "answers") == (32, 0, 0)
    assert Answer.objects.filter(ai_model="GPT-4o").count() == 32
    assert set(Question.objects.values_list("answer_count", flat=True)) == {2}


def test_revise_answer_numbers_revisions_and_rerenders():
    answer = AIAnswerFactory(body="First.")
    services.revise_answer(answer=answer, body="Second **try**.", summary="Clearer")
    third = services.revise_answer(answer=answer, body="Third.", author=UserFactory())
    answer.refresh_from_db()
    assert answer.revision_count == 3 == third.number
    assert list(answer.revisions.values_list("number", "body")) == [
        (1, "First."),
        (2, "Second **try**."),
        (3, "Third."),
    ]
    assert answer.body_html == "<p>Third.</p>\n"
