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
"""

from functools import cache

from django.db import connections

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
