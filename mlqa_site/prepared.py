"""A statement run often, prepared once per database connection on PostgreSQL.

PostgreSQL parses and plans a statement each time it receives one; for a long
one (the question page's ``UNION`` of a reader's marks, ``questions.reader_marks``)
that costs several times what running it does. A *prepared* statement is
parsed and planned once per connection, then only run.

Django's cursors bind parameters on the client and never prepare, and Django
turns psycopg's preparing off unless ``OPTIONS`` says otherwise: the settings
give a ``prepare_threshold`` no statement reaches by itself
(``MLQA_DB_PREPARE``), so only the statements passed to :func:`fetch_prepared`
are prepared (psycopg keeps them per connection and prepares them again on a
new one). With ``MLQA_DB_PREPARE=0`` (a pooler that cannot keep prepared
statements), and on SQLite, the statement is run as any other.

The statement still goes through Django's cursor wrapper: it is logged, counted
by tests' query counts and by /metrics like any other.

Building and compiling a queryset can cost more than the database takes to
answer it. :func:`kept_statement` compiles a queryset once per *shape* (a key
naming everything its SQL is made from), with stand-ins for the values that
differ between requests, and keeps the SQL (:class:`Statement`): a request
puts its own values in the stand-ins' places among the parameters, never in
the SQL text (``questions.search_sql``).
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.db import connections
from django.db.models import QuerySet

try:  # the counting wrapper /metrics uses (mlqa_site.settings)
    from django_prometheus.db.common import ExportingCursorWrapper
except ImportError:  # pragma: no cover
    ExportingCursorWrapper = None


@cache
def _cursor_class(alias: str, vendor: str):
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """psycopg's cursor binding on the server, preparing what it runs."""

        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True)

    if ExportingCursorWrapper is None:
        return PreparedCursor
    return ExportingCursorWrapper(PreparedCursor, alias, vendor)


def fetch_prepared(sql: str, params, using: str = "default") -> list[tuple]:
    """The rows of ``sql`` with ``params`` (Django's ``%s`` placeholders), the
    statement prepared on this connection when the database allows it."""
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor != "postgresql" or getattr(raw, "prepare_threshold", None) is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    connection.validate_thread_sharing()
    psycopg_cursor = _cursor_class(connection.alias, connection.vendor)(raw)
    if connection.queries_logged:
        cursor = connection.make_debug_cursor(psycopg_cursor)
    else:
        cursor = connection.make_cursor(psycopg_cursor)
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Statement:
    """A compiled query and where a request's values go among its parameters."""

    sql: str
    params: tuple
    slots: tuple[tuple[int, str], ...]  # (position among params, name of the value)

    def rows(self, values: dict, using: str) -> list[tuple]:
        params = list(self.params)
        for at, name in self.slots:
            value = values[name]
            if isinstance(params[at], int):  # the stand-in's own kind (psycopg's Int2 ...)
                value = type(params[at])(value)
            params[at] = value
        return fetch_prepared(self.sql, params, using)


def compile_statement(queryset: QuerySet, stand_ins: dict) -> Statement | None:
    """``queryset``'s SQL, with the places of the ``stand_ins`` (name: value)
    among its parameters; None when one of them is not found there as it was
    given (the queryset changed it, or did not use it)."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    slots = tuple(
        (at, name)
        for at, param in enumerate(params)
        for name, value in stand_ins.items()
        if isinstance(param, type(value)) and param == value
    )
    if {name for _, name in slots} != set(stand_ins) or len(slots) != len({at for at, _ in slots}):
        return None
    return Statement(sql, tuple(params), slots)


KEPT = 256  # statements kept per process (a shape each)
_kept: dict[tuple, Statement | None] = {}
_lock = threading.Lock()


def kept_statement(key: tuple, build: Callable[[], QuerySet], stand_ins: dict) -> Statement | None:
    """The statement of shape ``key``, compiled from ``build()`` the first time."""
    with _lock:
        if key in _kept:
            return _kept[key]
    found = compile_statement(build(), stand_ins)
    with _lock:
        if len(_kept) >= KEPT:
            _kept.pop(next(iter(_kept)))
        _kept[key] = found
    return found
