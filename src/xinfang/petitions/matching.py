"""The same person and the same matter across registrations: what a chunk of registrations finds on file.

``OnFile`` reads, once for a whole chunk, what the checks against earlier registrations need (ID numbers on
file under another name, external ids already imported, the earlier petitions a repeat may link to);
``People`` matches each party to a petitioner on file or made in the chunk.
"""

from __future__ import annotations

import datetime as dt

from xinfang.audit import services as audit

from .intake import PartyInput, Registration
from .models import Petition, Petitioner
from .selectors import visible_to

LOOKUP_CHUNK = 900  # values per IN (...): under SQLite's historical limit of 999 parameters


class OnFile:
    """What the checks against earlier registrations read from the database: read once for a whole chunk
    (one query each, whatever its size), then kept up to date as the chunk accepts registrations, so the
    k-th item of a chunk is checked against the items before it exactly as if they had been written."""

    def __init__(self, items: list[tuple[Registration, object, list[PartyInput]]]):
        ids = {p.id_number for _, _, parties in items for p in parties if p.id_number}
        externals = {reg.external_id for reg, _, _ in items if reg.external_id}
        # Petitioner rows by ID number: for the name check here and the matching in the write phase.
        self.people: dict[str, Petitioner] = {
            person.id_number: person for person in _chunked(Petitioner.objects.all(), "id_number", ids)
        }
        self.names = {id_number: person.name for id_number, person in self.people.items()}
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

    def __init__(self, by_id: dict[str, Petitioner], parties: list[PartyInput]):
        self.by_id = dict(by_id)
        phones = {p.phone for p in parties if p.phone and not p.id_number}
        on_file = {person.pk: person for person in self.by_id.values()}
        on_file.update((person.pk, person) for person in _chunked(Petitioner.objects.all(), "phone", phones))
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
        changes = audit.diff(before, audit.snapshot(person, ["phone", "address"]))
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
