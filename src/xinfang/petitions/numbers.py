"""Registration numbers (`XF-<region>-<year>-<sequence>`) and query codes (查询码) with their stored hash."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from .models import RegistrationSequence

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by people
QUERY_CODE_LENGTH = 12  # 60 bits: not guessable within any rate limit


def hash_query_code(code: str) -> str:
    normalized = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalized.encode()).hexdigest()


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def format_query_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def reserve_registration_numbers(region_code: str, year: int, count: int) -> list[str]:
    """Allocate ``count`` consecutive numbers `XF-<region>-<year>-<sequence>`; safe under concurrent intake.

    The increment is one UPDATE (returning the new value), which takes the row lock on PostgreSQL and runs under SQLite's write lock
    (IMMEDIATE transactions), so two registrations (or two chunks of them) can never read the same value; the
    lock is held until the enclosing transaction ends, which ``register_many`` keeps short. A chunk reserves
    its block with one UPDATE.
    """
    last = _increment(region_code, year, count)
    if last is None:
        try:
            with transaction.atomic():
                RegistrationSequence.objects.create(region_code=region_code, year=year)
        except IntegrityError:  # another transaction created the row first; it exists now
            pass
        last = _increment(region_code, year, count)
    return [f"XF-{region_code}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def _increment(region_code: str, year: int, count: int) -> int | None:
    """The sequence's new last value, or None when its row does not exist yet: one statement (UPDATE ...
    RETURNING on PostgreSQL and SQLite ≥ 3.35), else the UPDATE and a read."""
    if connection.vendor == "postgresql" or sqlite3.sqlite_version_info >= (3, 35):
        table = connection.ops.quote_name(RegistrationSequence._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                # The model's own table name; the values are bound.
                f'UPDATE {table} SET "last" = "last" + %s WHERE "region_code" = %s AND "year" = %s '  # nosec B608
                'RETURNING "last"',
                [count, region_code, year],
            )
            row = cursor.fetchone()
        return row[0] if row else None
    sequence = RegistrationSequence.objects.filter(region_code=region_code, year=year)
    if not sequence.update(last=F("last") + count):
        return None
    return sequence.values_list("last", flat=True).get()


def next_registration_number(region_code: str, year: int) -> str:
    return reserve_registration_numbers(region_code, year, 1)[0]
