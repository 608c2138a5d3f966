"""A member's bookmark marks on a page of list rows, with their unread
notifications (the header's count), in one query.

The query is written once, with the ORM (:func:`_marks`). Building and
compiling it costs a member's list several times what the database takes to
answer it, so each process compiles it once per number of rows, with stand-in
values for the member and the ids, and keeps the SQL: a request only swaps its
own values for the stand-ins among the parameters (as the question page does,
``questions.reader_marks``), and on PostgreSQL runs it prepared, parsed and
planned once per connection (``mlqa_site.prepared``).
"""

from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from mlqa_site.prepared import fetch_prepared
from notifications.models import Notification
from questions.models import Question

from .models import Bookmark

# Stand-ins for a request's values while the statement is compiled: no real id is one.
STAND_IN_USER, STAND_IN_QUESTION = -918_000_001, -918_100_000

_statements: dict[tuple, tuple[str, tuple] | None] = {}


def _marks(user_id: int, ids: list[int]) -> QuerySet:
    """(id, bookmark count, whether the member bookmarked it, the member's
    unread notifications) of each question."""
    mine = Bookmark.objects.filter(user_id=user_id, question=OuterRef("pk"))
    unread = (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Question.objects.filter(pk__in=ids)
        .annotate(mine=Exists(mine), unread=Coalesce(Subquery(unread), 0))
        .order_by()
        .values_list("pk", "bookmark_count", "mine", "unread")
    )


def _statement(rows: int) -> tuple[str, tuple] | None:
    """The SQL and stand-in parameters for ``rows`` ids; None if a stand-in did
    not reach the parameters (then the queryset runs as it is)."""
    key = (connection.alias, connection.vendor, rows)
    if key not in _statements:
        ids = [STAND_IN_QUESTION - n for n in range(rows)]
        sql, params = _marks(STAND_IN_USER, ids).query.sql_with_params()
        complete = {STAND_IN_USER, *ids} <= set(params)
        _statements[key] = (sql, tuple(params)) if complete else None
    return _statements[key]


def _rows(user_id: int, ids: list[int]) -> list[tuple]:
    statement = _statement(len(ids))
    if statement is None:
        return list(_marks(user_id, ids))
    sql, params = statement
    values = {STAND_IN_USER: user_id, **{STAND_IN_QUESTION - n: pk for n, pk in enumerate(ids)}}
    return fetch_prepared(sql, [values.get(param, param) for param in params])


def mark_bookmarks(questions: list, user: User) -> int | None:
    """A member's own marks on list rows: ``is_bookmarked``, with the current
    ``bookmark_count`` beside it (a cached row's count may lag), in one query
    for the page's ids, which also counts the member's unread notifications:
    returned, for the page's header (``inbox_unread``); None for a visitor, an
    empty page or one whose rows are all gone. A row is a ``Question`` or
    anything with ``pk`` and ``bookmark_count``."""
    ids = [question.pk for question in questions]
    if not ids or not user.is_authenticated:
        return None
    rows = _rows(user.pk, ids)
    marks = {pk: (count, bool(bookmarked)) for pk, count, bookmarked, _ in rows}
    for question in questions:
        question.bookmark_count, question.is_bookmarked = marks.get(
            question.pk, (question.bookmark_count, False)
        )
    return int(rows[0][3]) if rows else None  # the same on every row
