"""Question search: full text on PostgreSQL, a plain match on SQLite.

PostgreSQL keeps a weighted document per question (title A, body B, published
answers C) in ``Question.search_vector`` with a GIN index, queried with
web-search syntax (``"a phrase"``, ``-exclude``, ``or``), ranked, and
highlighted with ``ts_headline``. SQLite understands the same syntax through
case-insensitive ``LIKE`` matches. Both return highlighted titles and snippets
as safe HTML: the text is escaped first, then the marks are put in.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from mlqa_site.text import MARK_START, MARK_STOP, clean_text, xml_safe

from .models import Answer, Question

CONFIG = "english"
# Marks that ts_headline puts around matches; swapped for <mark> after escaping.
# Two private-use characters that input never stores (mlqa_site.text).
START, STOP = MARK_START, MARK_STOP
_MARKS = re.compile(f"([{START}{STOP}])")
SNIPPET_WORDS = 32
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_MARKDOWN_NOISE = re.compile(r"(\*\*|__|`+|^#+\s|\$\$?)", re.MULTILINE)


def is_postgres(using: str = "default") -> bool:
    return connections[using].vendor == "postgresql"


def _published_answers_text():
    return (
        Answer.objects.published()
        .filter(question=OuterRef("pk"))
        .order_by()
        .values("question")
        .annotate(text=StringAgg("body", delimiter=Value("\n")))
        .values("text")
    )


def _answers_text():
    return Coalesce(
        Subquery(_published_answers_text(), output_field=TextField()),
        Value(""),
        output_field=TextField(),
    )


def index_questions(question_ids: Iterable[int], *, using: str = "default") -> None:
    """Recompute the stored search documents of these questions (PostgreSQL only)."""
    ids = list(question_ids)
    if not ids or not is_postgres(using):
        return
    document = (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("body", weight="B", config=CONFIG)
        + SearchVector(_answers_text(), weight="C", config=CONFIG)
    )
    Question.objects.using(using).filter(pk__in=ids).update(search_vector=document)


@dataclass(frozen=True)
class ParsedQuery:
    """Web-search syntax: OR-groups of AND-ed terms, and terms to exclude."""

    groups: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        return [term for group in self.groups for term in group]


def parse_query(text: str) -> ParsedQuery:
    groups: list[list[str]] = [[]]
    excluded: list[str] = []
    for negated, phrase, word in _TOKEN.findall(text):
        term = (phrase if phrase else word).strip()
        if not phrase and term.startswith("-") and len(term) > 1:
            negated, term = "-", term[1:]
        if not term:
            continue
        if negated:
            excluded.append(term)
        elif not phrase and term.lower() == "or":
            if groups[-1]:
                groups.append([])
        else:
            groups[-1].append(term)
    return ParsedQuery([g for g in groups if g], excluded)


def _contains(term: str) -> Q:
    in_answers = Answer.objects.published().filter(question=OuterRef("pk"), body__icontains=term)
    return Q(title__icontains=term) | Q(body__icontains=term) | Q(Exists(in_answers))


def search(qs: QuerySet[Question], text: str) -> QuerySet[Question]:
    """Filter to questions matching ``text``; on PostgreSQL also rank and highlight."""
    if is_postgres(qs.db):
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        options = {"start_sel": START, "stop_sel": STOP, "config": CONFIG}
        return qs.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query),
            title_headline=SearchHeadline("title", query, highlight_all=True, **options),
            snippet_headline=SearchHeadline(
                Concat("body", Value("\n"), _answers_text(), output_field=TextField()),
                query,
                max_words=SNIPPET_WORDS,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
                **options,
            ),
        )
    parsed = parse_query(text)
    if not parsed.groups and not parsed.excluded:
        return qs
    if parsed.groups:
        match = Q()
        for group in parsed.groups:
            both = Q()
            for term in group:
                both &= _contains(term)
            match |= both
        qs = qs.filter(match)
    for term in parsed.excluded:
        qs = qs.exclude(_contains(term))
    return qs


def _marked(text: str, *, markdown: bool = False) -> SafeString:
    if markdown:
        text = _MARKDOWN_NOISE.sub("", text)
    # The marks become tags in pairs, whatever the text held: a stray mark
    # (stored before input was cleaned) opens nothing that is not closed.
    html, is_open = [], False
    for part in _MARKS.split(xml_safe(text)):
        if part == START:
            if not is_open:
                html.append("<mark>")
                is_open = True
        elif part == STOP:
            if is_open:
                html.append("</mark>")
                is_open = False
        else:
            html.append(escape(part))
    if is_open:
        html.append("</mark>")
    return mark_safe("".join(html))  # escaped above: only <mark> is real HTML


def _highlight(text: str, terms: list[str]) -> str:
    """The text with marks around each term (it cannot hold marks of its own)."""
    text = clean_text(text)
    terms = [term for term in map(clean_text, terms) if term]
    if not terms:
        return text
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text)


def _excerpt(text: str, terms: list[str]) -> str:
    """About SNIPPET_WORDS words of plain text around the first match."""
    words = text.split()
    lowered = [w.lower() for w in words]
    first = next(
        (i for i, w in enumerate(lowered) if any(t.lower() in w for t in terms)),
        0,
    )
    start = max(0, first - SNIPPET_WORDS // 3)
    chunk = words[start : start + SNIPPET_WORDS]
    prefix = "… " if start else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return f"{prefix}{' '.join(chunk)}{suffix}"


def highlight_results(questions: list[Question], text: str) -> None:
    """Give each result ``title_html`` and ``snippet_html``, safe to print."""
    if not questions:
        return
    if hasattr(questions[0], "title_headline"):
        for question in questions:
            question.title_html = _marked(question.title_headline)
            question.snippet_html = _marked(question.snippet_headline.strip(), markdown=True)
        return
    terms = [t for t in parse_query(text).terms if t]
    top_answer_text: dict[int, str] = {}
    ranked = (
        Answer.objects.published()
        .filter(question__in=questions)
        .ranked(per_question=True)
        .values_list("question_id", "body_html")
    )
    for question_id, body_html in ranked:
        top_answer_text.setdefault(question_id, body_html)
    for question in questions:
        source = strip_tags(question.body_html) or strip_tags(top_answer_text.get(question.pk, ""))
        question.title_html = _marked(_highlight(question.title, terms))
        question.snippet_html = _marked(_highlight(_excerpt(source, terms), terms))
