"""Inserting a batch of rows in a few statements, keys returned: the write half of `services.register_many`.

Django's `bulk_create` assumes SQLite's old limit of 999 parameters a statement, so a batch of petitions
(about 50 columns) becomes a statement per 19 rows and the number of queries grows with the batch. Here each
statement carries as many rows as the database takes (SQLite's real limit, read from the connection;
PostgreSQL's 65,535), up to `ROWS_PER_STATEMENT`, and `RETURNING` gives the new keys back in the order of the
rows, as `bulk_create` relies on too. Values go through each field's own `get_db_prep_save`, as in
`bulk_create` (plain strings, numbers and booleans of text, number and boolean fields skip the call, which
returns them unchanged), so they are stored exactly as the ORM stores them. `save()` is not called and no signals are
sent: field defaults must already be on the instances (they are, from the model's constructor), and the
caller does what signals would have done (`register_many` indexes the new petitions for search itself).
"""

from __future__ import annotations

import sqlite3

from django.db import connection, models

ROWS_PER_STATEMENT = 1000
# Fields whose get_db_prep_save hands a str, int, bool or None back unchanged (profiling showed the generic
# call at a fifth of a ledger import's time): such values skip it; anything else (dates, JSON) goes through.
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
_PLAIN = frozenset({str, int, bool, type(None)})


def insert(model, objs: list, *, returning: bool = True) -> None:
    """INSERT ``objs`` (unsaved instances of ``model``); with ``returning``, set each one's primary key."""
    if not objs:
        return
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk]
    quote = connection.ops.quote_name
    columns = "{} ({})".format(quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields))
    suffix = f" RETURNING {quote(pk.column)}" if returning else ""
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    prepared = [(f, isinstance(f, _AS_IS)) for f in fields]
    per_statement = max(1, min(ROWS_PER_STATEMENT, _max_parameters() // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = [
                value if fast and type(value) in _PLAIN else f.get_db_prep_save(value, connection)
                for obj in chunk
                for f, fast in prepared
                for value in (getattr(obj, f.attname),)
            ]
            cursor.execute(f"INSERT INTO {columns} VALUES {', '.join([row] * len(chunk))}{suffix}", params)
            if returning:
                for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                    obj.pk = key
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias


def _max_parameters() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65535
