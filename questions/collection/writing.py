"""The writer: ``ExportItem`` rows to collection markdown, and ``export_items``,
what to publish read from the database."""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape

from questions.models import Answer, Origin, Question, Status
from questions.vetting import verification_text

# --- Exporting ---------------------------------------------------------------------
from .parsing import _block_parser, _collection_model, _top_level_blocks
from .text import fits_in_cell, markdown_to_cell, question_text, trim_blank_lines


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
    ranked = answers.ranked(per_question=True)
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
