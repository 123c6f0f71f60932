"""Keeping the search index up to date: one petition at a time (on save), in bulk, or all of it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection, transaction

from xinfang.orgs.models import OrgUnit
from xinfang.petitions.identity import mask_id_number, mask_phone
from xinfang.petitions.models import Petition

from .models import SearchDocument
from .segment import index_words

# What is searchable: the petition's own text, its number, who and which units it is about.
TEXT_FIELDS = ("registration_number", "summary", "content", "subject_person")
UNIT_FIELDS = ("subject_unit", "responsible_unit", "receiving_unit")
CHUNK = 2000
# ID numbers and mobile numbers a petitioner wrote into the text itself: the index keeps them masked, as the
# identity fields are encrypted (people are found by ID number or phone through their digests, not here).
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def redact(text: str) -> str:
    text = ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    return MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def document_text(petition: Petition, unit_names: dict[int, str] | None = None) -> str:
    parts = [getattr(petition, name) or "" for name in TEXT_FIELDS]
    unit_ids = {getattr(petition, f"{name}_id") for name in UNIT_FIELDS} - {None}
    if unit_names is None:
        unit_names = _unit_names(unit_ids)
    parts.extend(unit_names.get(unit_id, "") for unit_id in unit_ids)
    return " ".join(index_words(redact("\n".join(parts))))


def index_petition(petition: Petition) -> None:
    SearchDocument.objects.update_or_create(
        petition_id=petition.pk, defaults={"tokens": document_text(petition)}
    )


def _unit_names(ids: set[int] | None = None) -> dict[int, str]:
    units = OrgUnit.objects.all() if ids is None else OrgUnit.objects.filter(pk__in=ids)
    return {
        pk: f"{name} {short_name}" for pk, name, short_name in units.values_list("pk", "name", "short_name")
    }


def index_bulk(petitions: Iterable[Petition]) -> int:
    """Index petitions that have no document yet (newly written in bulk, without signals)."""
    petitions = list(petitions)
    names = _unit_names({getattr(p, f"{name}_id") for p in petitions for name in UNIT_FIELDS} - {None})
    docs = [SearchDocument(petition_id=p.pk, tokens=document_text(p, names)) for p in petitions]
    SearchDocument.objects.bulk_create(docs, batch_size=500)
    return len(docs)


def index_missing(chunk: int = CHUNK) -> int:
    """Index the petitions that have no document yet: rows written without signals and without registration's
    hooks (e.g. copied in SQL)."""
    only = ("pk", *TEXT_FIELDS, *(f"{name}_id" for name in UNIT_FIELDS))
    total, last = 0, 0
    while True:
        batch = list(
            Petition.objects.filter(pk__gt=last, search_document__isnull=True)
            .order_by("pk")
            .only(*only)[:chunk]
        )
        if not batch:
            return total
        total += index_bulk(batch)
        last = batch[-1].pk


def rebuild(chunk: int = CHUNK) -> int:
    """Segment every petition again (after a dictionary change); one transaction."""
    only = ("pk", *TEXT_FIELDS, *(f"{name}_id" for name in UNIT_FIELDS))
    total = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        last = 0
        while True:
            batch = list(Petition.objects.filter(pk__gt=last).order_by("pk").only(*only)[:chunk])
            if not batch:
                break
            total += index_bulk(batch)
            last = batch[-1].pk
    return total
