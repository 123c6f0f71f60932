"""Keeping the search index up to date: one petition at a time (on save), in bulk, or all of it.

A document holds the petition's words (jieba, search mode), its registration number's parts (and the serial
without its leading zeros: 000123 is also 123), the names of the units it names, and its petitioners' terms
(`people`: names of every party, co-signers and representatives included, and a keyed digest of the phone's
last four digits; nothing for a protected identity).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection, transaction

from xinfang.orgs.models import OrgUnit
from xinfang.petitions.identity import mask_id_number, mask_phone
from xinfang.petitions.masking import is_protected
from xinfang.petitions.models import Petition, PetitionParty

from .models import SearchDocument
from .people import person_terms
from .segment import index_words

# What is searchable: the petition's own text, its number, who and which units it is about.
TEXT_FIELDS = ("registration_number", "summary", "content", "subject_person")
UNIT_FIELDS = ("subject_unit", "responsible_unit", "receiving_unit")
# Whether the petitioners' terms are indexed (masking.is_protected).
PROTECTION_FIELDS = ("petition_class", "identity_confidential")
CHUNK = 2000
ONLY = ("pk", *TEXT_FIELDS, *PROTECTION_FIELDS, *(f"{name}_id" for name in UNIT_FIELDS))
# ID numbers and mobile numbers a petitioner wrote into the text itself: the index keeps them masked, as the
# identity fields are encrypted (people are found by ID number or phone through their digests, not here).
ID_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE_IN_TEXT = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def redact(text: str) -> str:
    text = ID_NUMBER_IN_TEXT.sub(lambda m: mask_id_number(m.group()), text)
    return MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def document_text(
    petition: Petition,
    unit_names: dict[int, str] | None = None,
    people: list[tuple[str, str]] | None = None,
) -> str:
    """The document of one petition; `people` is its parties' (name, phone), looked up when not given."""
    parts = [getattr(petition, name) or "" for name in TEXT_FIELDS]
    unit_ids = {getattr(petition, f"{name}_id") for name in UNIT_FIELDS} - {None}
    if unit_names is None:
        unit_names = _unit_names(unit_ids)
    parts.extend(unit_names.get(unit_id, "") for unit_id in unit_ids)
    words = index_words(redact("\n".join(parts)))
    serial = serial_of(petition.registration_number)
    if serial:
        words.append(serial)
    if not is_protected(petition):
        if people is None:
            people = _people({petition.pk}).get(petition.pk, [])
        for name, phone in people:
            words.extend(person_terms(name, phone))
    return " ".join(words)


def serial_of(registration_number: str | None) -> str | None:
    """The serial part without its leading zeros (XF-411331-2026-000123 → 123), when it has any."""
    last = (registration_number or "").rsplit("-", 1)[-1]
    if last.isascii() and last.isdigit() and last.startswith("0") and last.strip("0"):
        return last.lstrip("0")
    return None


def _people(petition_ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    """Each petition's parties as (name, phone), in their order: one query for a chunk of petitions."""
    out: dict[int, list[tuple[str, str]]] = {}
    if not petition_ids:
        return out
    rows = (
        PetitionParty.objects.filter(petition_id__in=petition_ids)
        .order_by("petition_id", "position", "id")
        .values_list("petition_id", "petitioner__name", "petitioner__phone")
    )
    for petition_id, name, phone in rows:
        out.setdefault(petition_id, []).append((name, phone))
    return out


def index_petition(petition: Petition) -> None:
    SearchDocument.objects.update_or_create(
        petition_id=petition.pk, defaults={"tokens": document_text(petition)}
    )


def reindex(petition_ids: Iterable[int]) -> int:
    """Write the documents of these petitions again (a party added, a petitioner's name or phone changed)."""
    ids = sorted(set(petition_ids))
    total = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        batch = list(Petition.objects.filter(pk__in=chunk).only(*ONLY))
        SearchDocument.objects.filter(petition_id__in=chunk).delete()
        total += index_bulk(batch)
    return total


def _unit_names(ids: set[int] | None = None) -> dict[int, str]:
    units = OrgUnit.objects.all() if ids is None else OrgUnit.objects.filter(pk__in=ids)
    return {
        pk: f"{name} {short_name}" for pk, name, short_name in units.values_list("pk", "name", "short_name")
    }


def index_bulk(petitions: Iterable[Petition]) -> int:
    """Index petitions that have no document yet (newly written in bulk, without signals)."""
    petitions = list(petitions)
    names = _unit_names({getattr(p, f"{name}_id") for p in petitions for name in UNIT_FIELDS} - {None})
    people = _people({p.pk for p in petitions if not is_protected(p)})
    docs = [
        SearchDocument(petition_id=p.pk, tokens=document_text(p, names, people.get(p.pk, [])))
        for p in petitions
    ]
    SearchDocument.objects.bulk_create(docs, batch_size=500)
    return len(docs)


def index_new(petitions: list[Petition], *, fresh: bool) -> int:
    """Registration's deferred callback (``petitions.hooks``): the documents of new petitions; run again (the
    worker retrying, a correction that indexed the petition first), it writes only those still missing."""
    if not fresh:
        have = set(
            SearchDocument.objects.filter(petition_id__in=[p.pk for p in petitions]).values_list(
                "petition_id", flat=True
            )
        )
        petitions = [p for p in petitions if p.pk not in have]
    return index_bulk(petitions) if petitions else 0


def index_missing(chunk: int = CHUNK) -> int:
    """Index the petitions that have no document yet: rows written without signals and without registration's
    hooks (e.g. copied in SQL)."""
    only = ONLY
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
    only = ONLY
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
