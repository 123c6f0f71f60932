"""Writing the signatures: at registration (a ``petitions.hooks`` after_insert callback, in bulk, in the
registration's transaction), when a petition's summary or content is saved again, and all over again
(``xinfang rebuild-signatures``, for petitions written before this app or copied in by SQL)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

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


def sign_bulk(petitions: list[Petition]) -> None:
    """Sign newly inserted petitions: two multi-row INSERTs (COPY on PostgreSQL) for the whole chunk."""
    signatures, bands = [], []
    for petition in petitions:
        signature, rows = rows_for(petition.pk, petition.summary, petition.content)
        signatures.append(signature)
        bands.extend(rows)
    bulk.insert(TextSignature, signatures, returning=False)
    bulk.insert(SignatureBand, bands, returning=False)


def resign_saved(sender, instance: Petition, raw=False, created=False, update_fields=None, **kwargs) -> None:
    """post_save: a petition saved one at a time (a correction, a test's factory) keeps a current signature.
    A save naming only other fields cannot change the text: the hot path of ``perform`` skips this."""
    if raw or (update_fields is not None and not TEXT_FIELDS.intersection(update_fields)):
        return
    signature, rows = rows_for(instance.pk, instance.summary, instance.content)
    if not created:
        stored = TextSignature.objects.filter(petition_id=instance.pk).values_list("values", flat=True).first()
        if stored is not None and bytes(stored) == bytes(signature.values):
            return
    with transaction.atomic():
        if not created:
            TextSignature.objects.filter(petition_id=instance.pk).delete()
            SignatureBand.objects.filter(petition_id=instance.pk).delete()
        bulk.insert(TextSignature, [signature], returning=False)
        bulk.insert(SignatureBand, rows, returning=False)


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
    bulk.insert(SignatureBand, bands, returning=False)
