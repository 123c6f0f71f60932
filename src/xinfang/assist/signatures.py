"""Writing the signatures: at registration (a ``petitions.hooks`` deferred callback, in bulk: by the worker
after commit, or in the registration's transaction when huey is immediate), when a petition's summary or content is saved again, and all over again
(``xinfang rebuild-signatures``, for petitions written before this app or copied in by SQL)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, transaction

from xinfang import bulk
from xinfang.petitions.models import Petition

from . import minhash
from .models import SignatureBand, TextSignature
from .text import petition_text, shingles

TEXT_FIELDS = frozenset({"summary", "content"})
CHUNK = 2000


def rows_for(petition_id: int, summary: str, content: str) -> tuple[TextSignature, list[SignatureBand]]:
    pieces = shingles(petition_text(summary, content))
    values = minhash.signature(pieces)
    signature = TextSignature(petition_id=petition_id, values=minhash.to_bytes(values), shingles=len(pieces))
    if minhash.is_empty(values):
        return signature, []  # nothing to compare by: it matches nothing, and nothing matches it
    bands = [SignatureBand(petition_id=petition_id, band=b, hash=h) for b, h in minhash.bands(values)]
    return signature, bands


def insert_bands(rows: list[SignatureBand]) -> None:
    """One statement whatever the number of rows: a chunk's 128 bands a petition would otherwise take one
    multi-row INSERT per thousand rows on SQLite, and registration's query count must not grow with its
    chunk. PostgreSQL: COPY (``xinfang.bulk``); SQLite: one INSERT ... SELECT over a JSON array."""
    if not rows:
        return
    if connection.vendor != "sqlite":
        bulk.insert(SignatureBand, rows, returning=False)
        return
    payload = json.dumps([[r.petition_id, r.band, r.hash] for r in rows], separators=(",", ":"))
    table = connection.ops.quote_name(SignatureBand._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # The model's own table name; the rows are one JSON parameter.
            f"INSERT INTO {table} (petition_id, band, hash) "  # nosec B608
            "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') "
            "FROM json_each(%s)",
            [payload],
        )


def sign_bulk(petitions: list[Petition]) -> None:
    """Sign newly inserted petitions: two statements for the whole chunk (registration's chunks are at most
    ``xinfang.bulk.ROWS_PER_STATEMENT`` petitions, so the signatures take one multi-row INSERT)."""
    _write((p.pk, p.summary, p.content) for p in petitions)


def sign_new(petitions: list[Petition], *, fresh: bool) -> None:
    """Registration's deferred callback (``petitions.hooks``): run by the worker with the petitions
    row-locked, so a correction's ``resign_saved`` comes before or after, never between; the petitions
    already signed (that correction, a retried task) are skipped."""
    if not fresh:
        have = set(
            TextSignature.objects.filter(petition_id__in=[p.pk for p in petitions]).values_list(
                "petition_id", flat=True
            )
        )
        petitions = [p for p in petitions if p.pk not in have]
    if petitions:
        sign_bulk(petitions)


def resign_saved(sender, instance: Petition, raw=False, created=False, update_fields=None, **kwargs) -> None:
    """post_save: a petition saved one at a time (a correction, a test's factory) keeps a current signature.
    A save naming only other fields cannot change the text: the hot path of ``perform`` skips this."""
    if raw or (update_fields is not None and not TEXT_FIELDS.intersection(update_fields)):
        return
    signature, rows = rows_for(instance.pk, instance.summary, instance.content)
    if not created:
        stored = (
            TextSignature.objects.filter(petition_id=instance.pk).values_list("values", flat=True).first()
        )
        if stored is not None and bytes(stored) == bytes(signature.values):
            return
    with transaction.atomic():
        if not created:
            TextSignature.objects.filter(petition_id=instance.pk).delete()
            SignatureBand.objects.filter(petition_id=instance.pk).delete()
        bulk.insert(TextSignature, [signature], returning=False)
        insert_bands(rows)


def rebuild(*, only_missing: bool = False, chunk: int = CHUNK) -> int:
    """(Re)write every petition's signature, in chunks of ``chunk`` petitions, one transaction each."""
    total, last = 0, 0
    while True:
        qs = Petition.objects.filter(pk__gt=last).order_by("pk")
        if only_missing:
            qs = qs.filter(text_signature__isnull=True)
        batch = list(qs.values_list("pk", "summary", "content")[:chunk])
        if not batch:
            return total
        ids = [pk for pk, _, _ in batch]
        with transaction.atomic():
            TextSignature.objects.filter(petition_id__in=ids).delete()
            SignatureBand.objects.filter(petition_id__in=ids).delete()
            _write(batch)
        total += len(batch)
        last = ids[-1]


def _write(batch: Iterable[tuple[int, str, str]]) -> None:
    signatures, bands = [], []
    for pk, summary, content in batch:
        signature, rows = rows_for(pk, summary, content)
        signatures.append(signature)
        bands.extend(rows)
    bulk.insert(TextSignature, signatures, returning=False)
    insert_bands(bands)
