"""The same person and the same matter across registrations: what a chunk of registrations finds on file.

``OnFile`` reads, once for a whole chunk, what the checks against earlier registrations need (ID numbers on
file under another name, external ids already imported, the earlier petitions a repeat may link to);
``People`` matches each party to a petitioner on file or made in the chunk.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from xinfang.audit import services as audit

from .identity import mask_address, mask_id_number, mask_phone
from .intake import PartyInput, Registration
from .models import Petition, Petitioner, digest_id_number, digest_phone
from .selectors import visible_to

LOOKUP_CHUNK = 900  # values per IN (...): under SQLite's historical limit of 999 parameters


class OnFile:
    """What the checks against earlier registrations read from the database: read once for a whole chunk
    (one query each, whatever its size), then kept up to date as the chunk accepts registrations, so the
    k-th item of a chunk is checked against the items before it exactly as if they had been written."""

    def __init__(self, items: list[tuple[Registration, object, list[PartyInput]]]):
        ids = {p.id_number for _, _, parties in items for p in parties if p.id_number}
        externals = {reg.external_id for reg, _, _ in items if reg.external_id}
        # The names on file by ID number, for the name check (the write phase reads the rows again, locked).
        self.names: dict[str, str] = dict(
            _chunked(
                Petitioner.objects.values_list("id_number", "name"),
                "id_number_digest",
                {digest_id_number(value) for value in ids},
            )
        )
        self.external_ids: set[str] = set(
            _chunked(Petition.objects.values_list("external_id", flat=True), "external_id", externals)
        )
        self.visible: dict[object, set[int]] = {}
        wanted: dict[object, set[int]] = {}
        for reg, actor, _ in items:
            if reg.repeat_of is not None:
                wanted.setdefault(_actor_key(actor), (actor, set()))[1].add(reg.repeat_of.pk)
        for key, (actor, pks) in wanted.items():
            self.visible[key] = set(_chunked(visible_to(actor).values_list("pk", flat=True), "pk", pks))

    def check(self, reg: Registration, actor, parties: list[PartyInput], errors: dict) -> None:
        # An ID number already on file under another name is a typo or someone else's number: never merge
        # the two people silently.
        for index, party in enumerate(parties):
            if party.id_number in self.names and self.names[party.id_number] != party.name:
                errors.setdefault(f"parties.{index}.id_number", []).append(
                    "该身份证号码已登记在另一姓名下，请核对姓名和身份证号码。"
                )
        if reg.external_id and reg.external_id in self.external_ids:
            errors.setdefault("external_id", []).append(
                f"外部编号“{reg.external_id}”已经导入过，不再重复登记。"
            )
        if reg.repeat_of is not None and reg.repeat_of.pk not in self.visible.get(_actor_key(actor), ()):
            errors.setdefault("repeat_of", []).append("关联的原信访事项不存在。")

    def accept(self, reg: Registration, parties: list[PartyInput]) -> None:
        for party in parties:
            if party.id_number:
                self.names.setdefault(party.id_number, party.name)
        if reg.external_id:
            self.external_ids.add(reg.external_id)


def _chunked(queryset, field: str, values: set):
    values = sorted(values, key=str)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield from queryset.filter(**{f"{field}__in": values[start : start + LOOKUP_CHUNK]})


def _people_on_file(ids: set[str], phones: set[str]):
    """Petitioners by ID number or by phone (through their digests: the values are encrypted), one query per
    ``LOOKUP_CHUNK`` values of each."""
    ids = sorted(digest_id_number(value) for value in ids)
    phones = sorted(digest_phone(value) for value in phones)
    for start in range(0, max(len(ids), len(phones)), LOOKUP_CHUNK):
        id_part, phone_part = ids[start : start + LOOKUP_CHUNK], phones[start : start + LOOKUP_CHUNK]
        yield from Petitioner.objects.filter(Q(id_number_digest__in=id_part) | Q(phone_digest__in=phone_part))


def person_keys(parties: list[PartyInput]) -> list[int]:
    """The lock keys of the people in ``parties``: by ID number, and by name and phone (a party without an
    ID number is matched by those, to a person with or without one). Sorted: every transaction takes its
    locks in the same order, so two never wait for each other."""
    keys = set()
    for party in parties:
        texts = [f"contact:{party.name}\x00{party.phone}"] if party.phone else []
        if party.id_number:
            texts.append(f"id:{party.id_number}")
        for text in texts:
            digest = hashlib.blake2b(b"xf-petitioner:" + text.encode(), digest_size=8).digest()
            keys.add(int.from_bytes(digest, "big", signed=True))
    return sorted(keys)


# Advisory locks take slots in PostgreSQL's shared lock table (max_locks_per_transaction per connection): a
# chunk of an import or of the demo (thousands of people) takes one exclusive lock instead of one per key,
# and every registration takes that key shared first, so a chunk and a single registration still exclude.
MAX_PERSON_LOCKS = 32
ALL_PEOPLE_KEY = int.from_bytes(
    hashlib.blake2b(b"xf-petitioner:all", digest_size=8).digest(), "big", signed=True
)


def lock_people(parties: list[PartyInput]) -> None:
    """Serialise concurrent registrations of the same person until the first commits (PostgreSQL: advisory
    transaction locks; SQLite: its write transactions are serial already, ``transaction_mode`` IMMEDIATE).
    Without this, two registrations of a person on file by name and phone made two petitioners, and two by
    ID number made one fail on the unique index."""
    if connection.vendor != "postgresql":
        return
    keys = person_keys(parties)
    if not keys:
        return
    with connection.cursor() as cursor:
        if len(keys) > MAX_PERSON_LOCKS:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ALL_PEOPLE_KEY])
            return
        # The shared lock first, then each key in ascending order (unnest keeps the array's order).
        cursor.execute(
            "SELECT CASE WHEN n = 1 THEN pg_advisory_xact_lock_shared(k) ELSE pg_advisory_xact_lock(k) END "
            "FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(k, n)",
            [[ALL_PEOPLE_KEY, *keys]],
        )


# The audit trail keeps that a contact detail changed and enough to tell which, never the value: the values
# are encrypted in the petitioner's row, and the audit table is read by auditors who need no identities.
_MASKS = {"phone": mask_phone, "address": mask_address, "id_number": mask_id_number}


def masked_changes(changes: dict) -> dict:
    return {
        name: [_MASKS[name](value) for value in pair] if name in _MASKS else pair
        for name, pair in changes.items()
    }


def _actor_key(actor):
    try:
        hash(actor)
    except TypeError:
        return id(actor)
    return actor


class People:
    """The same person across petitions — by ID number, else by name and phone — for a whole chunk.

    Starts from the rows on file (by ID number, read by ``OnFile``; by phone, one query here) and follows the
    chunk in order: a person first seen in the chunk is made once and found again by the later items; the
    latest phone and address win, each change giving the item's petition an ``update_petitioner`` row with
    the old values, exactly as registering the items one by one would."""

    def __init__(self, parties: list[PartyInput]):
        # Read here, inside the write transaction and after ``lock_people``, not reused from ``OnFile``: a
        # concurrent registration of the same person may have committed since the checks read.
        lock_people(parties)
        ids = {p.id_number for p in parties if p.id_number}
        phones = {p.phone for p in parties if p.phone and not p.id_number}
        on_file = {person.pk: person for person in _people_on_file(ids, phones)}
        self.by_id: dict[str, Petitioner] = {}
        self.by_contact: dict[tuple[str, str], list[Petitioner]] = {}
        for person in sorted(on_file.values(), key=lambda p: p.pk):  # ``.first()``: the lowest key
            self.by_contact.setdefault((person.name, person.phone), []).append(person)
            if person.id_number:
                self.by_id[person.id_number] = person
        self.made: list[Petitioner] = []
        self._changed: dict[int, Petitioner] = {}

    def find_or_make(self, party: PartyInput, at: dt.datetime) -> tuple[Petitioner, str, dict]:
        person = None
        if party.id_number:
            person = self.by_id.get(party.id_number)
            if person is not None and person.name != party.name:
                # Filed under another name by a registration that committed after the checks ran.
                raise ValidationError(
                    {"parties": ["该身份证号码已登记在另一姓名下，请核对姓名和身份证号码。"]}
                )
        elif party.phone:
            key = (party.name, party.phone)
            # Found by the values it has now: a person whose phone changed earlier in the chunk moved key.
            person = next((p for p in self.by_contact.get(key, ()) if (p.name, p.phone) == key), None)
        if person is None:
            person = Petitioner(
                name=party.name,
                id_number=party.id_number or None,
                phone=party.phone,
                address=party.address,
                region=party.region,
                created_at=at,
            )
            person._made = len(self.made)  # order among the people made in this chunk
            self.made.append(person)
            self._index(person)
            return person, "create_petitioner", {}
        before = audit.snapshot(person, ["phone", "address"])
        # The latest contact details win: the petitioner follows the case, and gets its messages, by the phone
        # they gave this time. The old values stay in the audit row.
        if party.phone:
            person.phone = party.phone
        if party.address:
            person.address = party.address
        changes = masked_changes(audit.diff(before, audit.snapshot(person, ["phone", "address"])))
        if not changes:
            return person, "", {}
        if person.pk is not None:
            self._changed[person.pk] = person
        self._index(person)
        return person, "update_petitioner", changes

    def _index(self, person: Petitioner) -> None:
        if person.id_number:
            self.by_id[person.id_number] = person
        found = self.by_contact.setdefault((person.name, person.phone), [])
        if person not in found:
            # Rows on file come first, by key; people made in this chunk after them, in order made.
            found.append(person)
            if len(found) > 1:
                found.sort(key=lambda p: (p.pk is None, p.pk or 0, getattr(p, "_made", 0)))

    def changed(self) -> list[Petitioner]:
        return list(self._changed.values())
