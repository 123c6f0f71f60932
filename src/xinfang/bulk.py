"""Inserting many rows in a few statements: registration's write (`petitions.registration`) and the importers.

Django's `bulk_create` assumes SQLite's old limit of 999 parameters a statement, so a chunk of petitions
(about 50 columns) becomes a statement per 19 rows and the number of queries grows with the chunk; it also
spends most of its time building SQL value by value. Here each statement's text is built once and carries as
many rows as the database takes (SQLite's real limit, read from the connection; PostgreSQL's 65,535), up to
`ROWS_PER_STATEMENT`. With `returning`, `RETURNING` gives the new keys back in the order of the rows, as
`bulk_create` relies on too. PostgreSQL gets COPY, the fastest way in: with `returning`, after the keys are
drawn from the table's sequence in one query (so the caller's query count sees one statement, not the COPY).

Values go through each field's own `get_db_prep_save`, as in `bulk_create` (plain strings, numbers and
booleans of text, number and boolean fields skip the call, which returns them unchanged), so they are stored
exactly as the ORM stores them. `save()` is not called and no signals are sent: field defaults must already be
on the instances (they are, from the model's constructor), and the caller does what signals would have done
(registration runs `petitions.hooks`, where search indexes the new petitions).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from django.db import connection, models

ROWS_PER_STATEMENT = 1000
# Fields whose get_db_prep_save hands a str, int, bool or None back unchanged (profiling showed the generic
# call at a fifth of a ledger import's time): such values skip it; anything else (dates, JSON) goes through.
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
_PLAIN = frozenset({str, int, bool, type(None)})
_AWARE = "aware"


def insert(model, objs: list, *, returning: bool = True) -> None:
    """INSERT ``objs`` (unsaved instances of ``model``); with ``returning``, set each one's primary key.

    Without ``returning`` the instances get no key (COPY on PostgreSQL, multi-row INSERTs elsewhere)."""
    if not objs:
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    if connection.vendor != "postgresql":
        _insert(model, fields, objs, returning=returning)
    elif returning:
        # The keys drawn from the table's own sequence first, then COPY with them: a multi-row INSERT of a
        # thousand rows is a statement of tens of thousands of placeholders, which psycopg parses on the
        # client every time (a fifth of a ledger import's time), and COPY is the faster way in anyway.
        _reserve_keys(model, objs)
        _copy(model, [pk, *fields], objs)
    else:
        _copy(model, fields, objs)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _columns(model, fields: list) -> str:
    quote = connection.ops.quote_name
    return "{} ({})".format(quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields))


def _prepared(fields: list) -> list:
    """Per field whether its values may skip ``get_db_prep_save``: True for plain values of the ``_AS_IS``
    fields; ``_AWARE`` for a datetime field on PostgreSQL, where an aware datetime is what psycopg takes and
    what Django's preparation hands back unchanged (a naive one still goes through it, warning)."""
    postgres = connection.vendor == "postgresql"
    return [
        (f, _AWARE if postgres and isinstance(f, models.DateTimeField) else isinstance(f, _AS_IS))
        for f in fields
    ]


def _real_connection():
    """The connection itself, not the thread-local proxy ``connection``, whose every attribute read looks the
    connection up again (two seconds of a 10,000-line ledger, through the fields' preparation)."""
    return connection._connections[connection._alias]


def _values(obj, prepared: list, real) -> list:
    return [
        value
        if (fast is True and type(value) in _PLAIN)
        or (fast is _AWARE and (value is None or _is_aware(value)))
        else f.get_db_prep_save(value, real)
        for f, fast in prepared
        for value in (getattr(obj, f.attname),)
    ]


def _is_aware(value) -> bool:
    return type(value) is dt.datetime and value.tzinfo is not None


def _insert(model, fields: list, objs: list, *, returning: bool) -> None:
    pk = model._meta.pk
    columns = _columns(model, fields)
    suffix = f" RETURNING {connection.ops.quote_name(pk.column)}" if returning else ""
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    prepared, real = _prepared(fields), _real_connection()
    per_statement = max(1, min(ROWS_PER_STATEMENT, _max_parameters() // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = [value for obj in chunk for value in _values(obj, prepared, real)]
            # Table and column names come from the model, quoted by the backend; values are parameters.
            cursor.execute(f"INSERT INTO {columns} VALUES {', '.join([row] * len(chunk))}{suffix}", params)  # nosec B608
            if returning:
                for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                    obj.pk = key


def _reserve_keys(model, objs: list) -> None:
    """Set each object's key from the table's sequence, ascending in the order of the rows (as RETURNING)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column, len(objs)],
        )
        keys = sorted(key for (key,) in cursor.fetchall())
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key


def _copy(model, fields: list, objs: list) -> None:
    # The connection's own psycopg cursor, so the rows belong to the surrounding transaction.
    connection.ensure_connection()
    prepared, real = _prepared(fields), _real_connection()
    # wrap_database_errors: a unique index hit raises Django's IntegrityError, as through its own cursors
    # (registration's external-id race, the importer's line-by-line fallback catch those).
    with (
        connection.wrap_database_errors,
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {_columns(model, fields)} FROM STDIN") as copy,
    ):
        for obj in objs:
            copy.write_row(_values(obj, prepared, real))


def _max_parameters() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65535
