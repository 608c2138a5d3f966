"""The list's search on PostgreSQL, read with statements compiled once per shape.

A search's page asks the database two things that depend on its words: the
candidates' ids, ranked (``search.candidate_query``), and the page's rows with
their highlights and what each row shows (``page_query``). Building and
compiling those querysets with the ORM costs more than PostgreSQL takes to
answer them, and their SQL differs between two requests of the same shape
(the same filters, sort and settings) only by the words, the page's ids and
the day the "asked in the last 12 months" counts start from. So each process
compiles a shape once, with stand-ins for those values, and keeps the SQL: a
request swaps its own values for the stand-ins among the parameters (never in
the SQL text), as ``questions.reader_marks`` does, and the statement is
prepared once per connection (``mlqa_site.prepared``). The querysets stay the
one definition of what is read: they are what is compiled.

Nothing here keeps a result: only SQL, keyed by everything it is made from.
"""

from dataclasses import replace
from datetime import datetime
from itertools import accumulate

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone

from mlqa_site.prepared import kept_statement

from . import search
from .models import Answer, Question, Source

# Stand-ins while a statement is compiled: no query text, id or date is one of them.
STAND_IN_TEXT = "mlqa-stand-in-words-7d1e5b"
STAND_IN_IDS = [-917_000_101, -917_000_102]
# A row's fields that the list never shows: left out of the page's rows.
_LEFT_OUT = {
    Question: {"search_vector", "title_vector", "snippet_source", "body", "body_html"},
    Answer: {"body", "body_html"},
}


def page_annotations(now: datetime | None = None) -> dict:
    """What a search's page reads with its rows besides their columns: how often
    each was reported asked in the last 12 months (``asked_recently``, as
    ``study.selectors.with_asked_counts`` counts it) and their topics
    (``topic_slugs`` and ``topic_names``, in the topics' order)."""
    from study.models import InterviewReport

    topics = Question.topics.through.objects.filter(question=OuterRef("pk")).order_by("topic__name")
    return {
        "asked_recently": InterviewReport.objects.visible().recent(now).count_per_question(),
        "topic_slugs": ArraySubquery(topics.values("topic__slug")),
        "topic_names": ArraySubquery(topics.values("topic__name")),
    }


def _fields(model, prefix: str = "") -> list[tuple[str, str]]:
    """(column to read, attribute) of ``model``'s fields a row keeps, in the
    model's order (``Model.from_db`` takes them so)."""
    left_out = _LEFT_OUT.get(model, set())
    return [
        (f"{prefix}{field.attname}", field.attname)
        for field in model._meta.concrete_fields
        if field.attname not in left_out
    ]


_QUESTION = _fields(Question)
_SOURCE = _fields(Source, "source__")
_ANSWER = _fields(Answer, "top_answer__")


def page_query(text: str, ids: list[int], *, ranked: bool, now: datetime, using: str):
    """The rows of a search's page as one ``values_list``: each question's
    columns, its source's and its best answer's (their text left out), then
    its ``rank`` (with ``ranked``), what ``page_annotations`` adds, and the
    highlighted title and snippet."""
    extra = {"rank": search.rank_of(text)} if ranked else {}
    extra |= page_annotations(now) | search.headline_columns(text)
    columns = [column for fields in (_QUESTION, _SOURCE, _ANSWER) for column, _ in fields]
    return (
        Question.objects.using(using)
        .filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (list(ids),)))  # one parameter
        .annotate(**extra)
        .order_by()
        .values_list(*columns, *extra)
    )


def _instance(model, fields, values, using: str):
    if values[0] is None:  # no such row (the outer join found none)
        return None
    return model.from_db(using, [name for _, name in fields], values)


def page_rows(text: str, ids: list[int], *, ranked: bool, using: str) -> list[Question]:
    """The questions of a search's page, in no particular order, as the list's
    rows read them: their source and best answer at hand, ``best_score`` and
    ``top_origin`` set, and the columns ``page_query`` adds as attributes. One
    prepared statement, compiled once per process and database."""
    from study.models import STAND_IN_NOW, recent_report_stand_ins, recent_report_values

    now = timezone.now()
    build = lambda: page_query(  # noqa: E731
        STAND_IN_TEXT, STAND_IN_IDS, ranked=ranked, now=STAND_IN_NOW, using=using
    )
    stand_ins = {"text": STAND_IN_TEXT, "ids": STAND_IN_IDS, **recent_report_stand_ins(using)}
    found = kept_statement(("page", using, ranked), build, stand_ins)
    values = {"text": text, "ids": list(ids), **recent_report_values(now, using)}
    if found is None:
        query = page_query(text, ids, ranked=ranked, now=now, using=using)
        rows = list(query)
    else:
        rows = found.rows(values, using)
    return [_page_row(row, ranked, using) for row in rows]


# Where each model's columns end in a row of ``page_query``, and the names of
# the columns after them.
_ENDS = tuple(accumulate(len(fields) for fields in (_QUESTION, _SOURCE, _ANSWER)))
_ADDED = ("asked_recently", "topic_slugs", "topic_names", "title_headline", "snippet_headline")


def _page_row(row: tuple, ranked: bool, using: str) -> Question:
    question = Question.from_db(using, [name for _, name in _QUESTION], row[: _ENDS[0]])
    question.source = _instance(Source, _SOURCE, row[_ENDS[0] : _ENDS[1]], using)
    question.top_answer = _instance(Answer, _ANSWER, row[_ENDS[1] : _ENDS[2]], using)
    question.best_score, question.top_origin = question.top_answer_score, question.top_answer_origin
    names = ("rank", *_ADDED) if ranked else _ADDED
    for name, value in zip(names, row[_ENDS[2] :], strict=True):
        setattr(question, name, value)
    return question


def candidates(filters, reports, narrowed) -> list[tuple] | None:
    """A search's candidates (``search.candidate_query``) for the list's
    ``filters`` (``selectors.QuestionFilters``), read with a statement compiled
    once per shape; None where the statement would hold dates (report filters,
    the "most asked" sort) or on SQLite: ``search.bounded`` reads them then.
    ``narrowed(filters, reports)``: the list's questions, order and annotations
    (``selectors._narrowed``)."""
    using = Question.objects.published().db
    sort = filters.effective_sort
    if reports is not None or sort == "asked" or not search.is_postgres(using):
        return None
    chosen = (filters.source, filters.topic)
    key = ("candidates", using, settings.MLQA_SEARCH_CANDIDATES, sort)
    key += (*(item.pk if item else None for item in chosen), filters.difficulty)
    key += (filters.answers, filters.verdict, filters.missed)

    def build():
        stand_in = replace(filters, q=STAND_IN_TEXT)
        qs, _, order, annotations = narrowed(stand_in, None)
        by_relevance = sort == "relevance"
        return search.candidate_query(
            qs, stand_in.q, order=order, by_relevance=by_relevance, annotations=annotations
        )

    found = kept_statement(key, build, {"text": STAND_IN_TEXT})
    return None if found is None else found.rows({"text": filters.q}, using)
