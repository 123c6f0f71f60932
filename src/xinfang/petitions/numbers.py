"""Registration numbers (`XF-<region>-<year>-<sequence>`) and query codes (查询码) with their stored hash."""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, transaction
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

    The increment is one UPDATE, which takes the row lock on PostgreSQL and runs under SQLite's write lock
    (IMMEDIATE transactions), so two registrations (or two chunks of them) can never read the same value; the
    lock is held until the enclosing transaction ends, which ``register_many`` keeps short. A chunk reserves
    its block with one UPDATE.
    """
    sequence = RegistrationSequence.objects.filter(region_code=region_code, year=year)
    if not sequence.update(last=F("last") + count):
        try:
            with transaction.atomic():
                RegistrationSequence.objects.create(region_code=region_code, year=year)
        except IntegrityError:  # another transaction created the row first; it exists now
            pass
        sequence.update(last=F("last") + count)
    last = sequence.values_list("last", flat=True).get()
    return [f"XF-{region_code}-{year}-{n:06d}" for n in range(last - count + 1, last + 1)]


def next_registration_number(region_code: str, year: int) -> str:
    return reserve_registration_numbers(region_code, year, 1)[0]
