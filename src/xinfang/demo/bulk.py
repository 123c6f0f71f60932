"""Inserting many rows fast, for generated data whose keys nobody needs back (audit events, parties).

`bulk_create` spends most of its time building SQL value by value, and on SQLite it assumes a limit of
999 parameters a statement (30 petitions a statement). Here each statement's text is built once and
carries as many rows as the database takes; PostgreSQL gets COPY. Values go through each field's own
`get_db_prep_save`, as in bulk_create, so they are stored exactly as the ORM would store them. Model
`save()` is not called and no signals are sent; field defaults must already be on the instances.
"""

from __future__ import annotations

import sqlite3

from django.db import connection

ROWS_PER_STATEMENT = 500


def insert_rows(model, objs: list) -> None:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        _copy(model, fields, objs)
    else:
        _insert(model, fields, objs)


def _columns(model, fields: list) -> str:
    quote = connection.ops.quote_name
    return "{} ({})".format(quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields))


def _values(obj, fields: list) -> list:
    return [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]


def _copy(model, fields: list, objs: list) -> None:
    # The connection's own psycopg cursor, so the rows belong to the surrounding transaction.
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {_columns(model, fields)} FROM STDIN") as copy,
    ):
        for obj in objs:
            copy.write_row(_values(obj, fields))


def _insert(model, fields: list, objs: list) -> None:
    per_statement = max(1, min(ROWS_PER_STATEMENT, _max_parameters() // len(fields)))
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = [value for obj in chunk for value in _values(obj, fields)]
            cursor.execute(
                f"INSERT INTO {_columns(model, fields)} VALUES {', '.join([row] * len(chunk))}", params
            )


def _max_parameters() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65535
