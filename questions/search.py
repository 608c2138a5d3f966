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
from html import escape as html_escape

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Left
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from mlqa_site.text import MARK_START, MARK_STOP, clean_text, xml_safe

from .embeddings import tasks as embedding_tasks
from .models import Answer, Question

CONFIG = "english"
# Marks that ts_headline puts around matches; swapped for <mark> after escaping.
# Two private-use characters that input never stores (mlqa_site.text).
START, STOP = MARK_START, MARK_STOP
_MARKS = re.compile(f"([{START}{STOP}])")
SNIPPET_WORDS = 32
# ts_headline parses all the text it is given, and its cost grows faster than
# the text: each question stores the first SNIPPET_SOURCE_CHARS of its body and
# answers (``Question.snippet_source``), and the snippets are made from that.
SNIPPET_SOURCE_CHARS = 1000
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
    """Recompute the stored search documents of these questions (PostgreSQL only),
    and queue their vectors (questions.embeddings, both databases)."""
    ids = list(question_ids)
    embedding_tasks.schedule(ids)
    if not ids or not is_postgres(using):
        return
    document = (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("body", weight="B", config=CONFIG)
        + SearchVector(_answers_text(), weight="C", config=CONFIG)
    )
    Question.objects.using(using).filter(pk__in=ids).update(
        search_vector=document,
        title_vector=SearchVector("title", config=CONFIG),
        snippet_source=snippet_source(),
    )


def snippet_source():
    """What a question's search snippet is made from: the start of its body and
    published answers (``Question.snippet_source``, filled by ``index_questions``)."""
    text = Concat("body", Value("\n"), _answers_text(), output_field=TextField())
    return Left(text, SNIPPET_SOURCE_CHARS)


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


def _query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def matching(qs: QuerySet[Question], text: str) -> QuerySet[Question]:
    """Only the questions that match ``text`` (the GIN index on PostgreSQL)."""
    if is_postgres(qs.db):
        return qs.filter(search_vector=_query(text))
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


def search(qs: QuerySet[Question], text: str) -> QuerySet[Question]:
    """Questions matching ``text``, with ``rank`` on PostgreSQL (for scripts and
    tests; the list pages use ``bounded``, which ranks only the candidates)."""
    qs = matching(qs, text)
    if is_postgres(qs.db):
        qs = qs.annotate(rank=SearchRank(F("search_vector"), _query(text)))
    return qs


def rank_of(text: str) -> SearchRank:
    """A question's full-text rank for ``text`` (PostgreSQL)."""
    return SearchRank(F("search_vector"), _query(text))


def _candidate_cap() -> int:
    return settings.MLQA_SEARCH_CANDIDATES


class Ranked:
    """A search's candidates in their order: their ids, read once, and the
    questions' rows, read a page at a time (``Paginator`` slices it).

    Its count is the number of candidates, known without a query; a page reads
    only its own rows, in one query (with their ``ts_headline`` on PostgreSQL
    when ``headlines`` is the query: ``highlight_results`` then asks nothing
    more). ``as_queryset`` gives every candidate as a queryset in the same
    order, for the read API and scripts."""

    def __init__(
        self, ids: list[int], rows: QuerySet[Question], *, headlines: str = "", read_page=None
    ) -> None:
        self.ids, self.rows, self.headlines = ids, rows, headlines
        self.read_page = read_page

    def with_rows(self, change) -> "Ranked":
        """The same candidates, their rows read by ``change(rows)``."""
        return Ranked(self.ids, change(self.rows), headlines=self.headlines)

    def reading_pages(self, read_page) -> "Ranked":
        """The same candidates, a page's rows read by ``read_page(ids)`` (in any
        order, with their highlights: ``questions.search_sql.page_rows``)."""
        return Ranked(self.ids, self.rows, headlines=self.headlines, read_page=read_page)

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0] if index >= 0 else self[len(self) + index]
        ids = self.ids[index]
        if not ids:
            return []
        if self.read_page is not None:
            rows = self.read_page(ids)
        else:
            rows = self.rows.filter(pk__in=ids).order_by()
            if self.headlines and is_postgres(rows.db):
                rows = rows.annotate(**headline_columns(self.headlines))
        position = {pk: n for n, pk in enumerate(ids)}
        return sorted(rows, key=lambda question: position[question.pk])

    def as_queryset(self) -> QuerySet[Question]:
        """Every candidate's row, in the candidates' order."""
        rows = self.rows.filter(pk__in=self.ids)
        if is_postgres(rows.db):  # one expression, whatever the number of candidates
            position = Func(
                Value(self.ids, output_field=ArrayField(IntegerField())),
                F("pk"),
                function="array_position",
                output_field=IntegerField(),
            )
        else:
            position = Case(
                *(When(pk=pk, then=Value(n)) for n, pk in enumerate(self.ids)),
                default=Value(len(self.ids)),
                output_field=IntegerField(),
            )
        return rows.annotate(candidate_position=position).order_by("candidate_position")


def bounded(
    qs: QuerySet[Question],
    text: str,
    *,
    order: tuple,
    by_relevance: bool,
    annotations: dict | None = None,
    found: list[tuple] | None = None,
) -> Ranked:
    """At most ``MLQA_SEARCH_CANDIDATES`` matches of ``qs`` (already filtered by
    ``matching``), in ``order`` or, ``by_relevance``, best match first.

    The candidates' ids are read first, once, in one query (the page's count
    is their number, and its rows are looked up by id):

    * by relevance on PostgreSQL, questions whose title matches (the GIN index
      on the small stored ``title_vector``), then other matches (the GIN index
      on ``search_vector``) if the titles do not fill the cap: a ``UNION ALL``
      under the cap's ``LIMIT``, each part read without an order, so PostgreSQL
      stops at the cap instead of reading every match and reads the second
      part only when the first leaves room. Only those candidates are ranked
      by the whole weighted document (``ts_rank``, which reads each document),
      in the same query, and only the page shown is highlighted;
    * otherwise (another sort, or SQLite) the first matches in ``order``.

    A specific query has fewer matches than the cap and loses nothing; a broad
    one lists the best of its candidates, and ``is_capped`` tells the page.
    ``annotations`` are what ``order`` refers to, set again on the rows.
    ``found``: the rows of ``candidate_query`` when the caller read them
    (``questions.search_sql``).
    """
    annotations = annotations or {}
    rows = Question.objects.using(qs.db).annotate(**annotations)
    if found is None:
        query = candidate_query(
            qs, text, order=order, by_relevance=by_relevance, annotations=annotations
        )
        found = list(query)
    if by_relevance and is_postgres(qs.db):
        return Ranked(best_first(found), rows.annotate(rank=rank_of(text)), headlines=text)
    return Ranked([pk for pk, *_ in found], rows, headlines=text)


def candidate_query(
    qs: QuerySet[Question], text: str, *, order: tuple, by_relevance: bool, annotations: dict
) -> QuerySet:
    """The candidates of ``bounded``, unread: (id, created_at, rank) rows in no
    order by relevance on PostgreSQL (``best_first`` orders them), else (id,)
    rows in ``order``."""
    cap = _candidate_cap()
    if by_relevance and is_postgres(qs.db):
        query = _query(text)
        rank = SearchRank(F("search_vector"), query)
        titles, others = (
            part.annotate(rank=rank).order_by().values_list("pk", "created_at", "rank")
            for part in (qs.filter(title_vector=query), qs.exclude(title_vector=query))
        )
        return titles.union(others, all=True).order_by()[:cap]
    return qs.annotate(**annotations).order_by(*order).values_list("pk")[:cap]


def best_first(found: Iterable[tuple]) -> list[int]:
    """Candidates ranked as they were read (each one's document is at hand
    then), sorted here: best rank first, then newest (ORDER BY rank DESC,
    created_at DESC, id DESC, the same floats and ties)."""
    ranked = sorted(found, key=lambda row: (row[2], row[1], row[0]), reverse=True)
    return [row[0] for row in ranked]


def is_capped(count: int) -> bool:
    """Whether a search's result count is the cap (more questions may match)."""
    return count >= _candidate_cap()


def _marked(text: str, *, markdown: bool = False) -> SafeString:
    if markdown:
        text = _MARKDOWN_NOISE.sub("", text)
    text = xml_safe(text)
    marks = "".join(_MARKS.findall(text))
    if marks == (START + STOP) * (len(marks) // 2):  # in pairs, as ts_headline makes them
        # Escaping leaves the marks as they are (they are no HTML characters).
        html = html_escape(text, quote=True).replace(START, "<mark>").replace(STOP, "</mark>")
        return mark_safe(html)  # escaped: only <mark> is real HTML
    # The marks become tags in pairs, whatever the text held: a stray mark
    # (stored before input was cleaned) opens nothing that is not closed.
    html, is_open = [], False
    for part in _MARKS.split(text):
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


def headline_columns(text: str) -> dict:
    """``ts_headline`` of a row's title and stored ``snippet_source`` (short: see
    SNIPPET_SOURCE_CHARS), as ``title_headline`` and ``snippet_headline``."""
    query = _query(text)
    options = {"start_sel": START, "stop_sel": STOP, "config": CONFIG}
    return {
        "title_headline": SearchHeadline("title", query, highlight_all=True, **options),
        "snippet_headline": SearchHeadline(
            "snippet_source",
            query,
            max_words=SNIPPET_WORDS,
            min_words=12,
            max_fragments=2,
            fragment_delimiter=" … ",
            **options,
        ),
    }


def _headlines(questions: list[Question], text: str) -> None:
    """``ts_headline`` for the page's rows only: read with the rows (``Ranked``),
    or else in one query, whatever the matches."""
    if not all(hasattr(question, "snippet_headline") for question in questions):
        rows = (
            Question.objects.using(questions[0]._state.db or "default")
            .filter(pk__in=[question.pk for question in questions])
            .annotate(**headline_columns(text))
            .values_list("pk", "title_headline", "snippet_headline")
        )
        found = {pk: (title, snippet) for pk, title, snippet in rows}
        for question in questions:
            question.title_headline, question.snippet_headline = found.get(
                question.pk, (question.title, "")
            )
    for question in questions:
        question.title_html = _marked(question.title_headline)
        question.snippet_html = _marked((question.snippet_headline or "").strip(), markdown=True)


def highlight_results(questions: list[Question], text: str) -> None:
    """Give each result ``title_html`` and ``snippet_html``, safe to print."""
    if not questions:
        return
    if is_postgres(questions[0]._state.db or "default"):
        _headlines(questions, text)
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
