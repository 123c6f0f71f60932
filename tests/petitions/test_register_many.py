"""Registering in chunks (`services.register_many`): the same checks and the same rows as `register` one by
one, refusals per item, petitioners matched across the chunk, and a query count that does not grow with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from xinfang.audit.models import Event
from xinfang.orgs.models import Level
from xinfang.petitions import registration, services
from xinfang.petitions.identity import mask_phone
from xinfang.petitions.models import (
    Attachment,
    Channel,
    PartyRole,
    Petition,
    Petitioner,
    PetitionParty,
    Source,
    SourceAction,
    digest_id_number,
)
from xinfang.petitions.services import AttachmentInput, PartyInput
from xinfang.search.models import SearchDocument
from xinfang.workflow.models import Deadline

from .. import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOW = dt.datetime(2026, 6, 10, 15, 0)


@pytest.fixture
def now(frozen_clock):
    return frozen_clock(NOW)


def fields(obj, skip=()) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.attname not in skip
    }


def written() -> dict:
    """Every row registration writes, with keys replaced by what they stand for (so runs compare)."""
    numbers = dict(Petition.objects.values_list("pk", "registration_number"))
    persons = {p.pk: (p.name, p.id_number, p.phone) for p in Petitioner.objects.all()}
    parties = {p.pk: (numbers[p.petition_id], p.position) for p in PetitionParty.objects.all()}
    attachments = {a.pk: (numbers[a.petition_id], a.sha256) for a in Attachment.objects.all()}
    targets = {
        "petition": numbers,
        "petitioner": persons,
        "petitionparty": parties,
        "attachment": attachments,
    }

    def event(e: Event) -> dict:
        # The hash covers the ids, which differ between the two runs; seq must not.
        row = fields(e, skip=("petition_id", "hash")) | {"petition": numbers.get(e.petition_id)}
        row["target_id"] = targets[e.target_type][int(e.target_id)]
        if "petitioner" in row["data"]:
            row["data"] = dict(row["data"], petitioner=persons[row["data"]["petitioner"]])
        for key in ("registration_number", "repeat_of_id"):
            row["changes"].pop(key, None)  # compared through the petitions themselves
        return row

    return {
        "petitions": [
            fields(p, skip=("query_code_hash", "repeat_of_id"))
            | {"repeat_of": numbers.get(p.repeat_of_id), "search": SearchDocument.objects.get(pk=p.pk).tokens}
            for p in Petition.objects.order_by("registration_number")
        ],
        "petitioners": [fields(p) for p in Petitioner.objects.order_by("pk")],
        "parties": [
            (numbers[p.petition_id], persons[p.petitioner_id], p.role, p.position)
            for p in PetitionParty.objects.order_by("pk")
        ],
        "deadlines": [
            fields(d, skip=("petition_id",)) | {"petition": numbers[d.petition_id]}
            for d in Deadline.objects.order_by("pk")
        ],
        "attachments": [fields(a, skip=("petition_id",)) for a in Attachment.objects.order_by("pk")],
        "events": [event(e) for e in Event.objects.order_by("pk")],
    }


def a_day_of_intake(people) -> list[services.Registration]:
    """Registrations that exercise every part of the write path, one of them refused."""
    earlier = f.register(people.registrar, parties=[f.person(700)], external_id="E-0")
    moved = f.person(700)
    moved.phone, moved.address = "13900000700", "湖滨街道1号"  # the latest contact details win
    no_id = PartyInput(name="周五", phone="13600000001")
    collective = [f.representative(701), f.representative(702), f.person(703)]
    collective[2].role = PartyRole.CO_PETITIONER
    bad = f.person(704)
    bad.id_number = bad.id_number[:-1] + ("0" if bad.id_number[-1] != "0" else "1")
    return [
        f.registration(parties=[f.person(710)], external_id="E-1"),
        f.registration(parties=[moved], repeat_of=earlier, external_id="E-2"),
        f.registration(parties=[no_id]),
        f.registration(parties=[bad]),  # refused: check digit
        f.registration(
            channel=Channel.VISIT,
            person_count=12,
            parties=collective,
            attachments=[AttachmentInput("a.png", PNG)],
        ),
        f.registration(parties=[PartyInput(name="周五", phone="136 0000 0001", address="清波街道9号")]),
        f.registration(
            parties=[f.person(710)],
            source=Source.REFERRED_FROM_ABOVE,
            source_level=Level.CITY,
            source_action=SourceAction.ASSIGN,
            received_at=NOW.replace(tzinfo=dt.UTC) - dt.timedelta(days=40),
        ),
    ]


def test_a_chunk_writes_exactly_the_rows_of_registering_one_by_one(people, now):
    registrations = a_day_of_intake(people)
    with transaction.atomic():
        one_by_one = []
        for reg in registrations:
            try:
                one_by_one.append(services.register(reg, people.registrar))
            except ValidationError as exc:
                one_by_one.append(exc)
        expected = written()
        transaction.set_rollback(True)

    outcomes = services.register_many(registrations, people.registrar)

    assert [type(o) for o in outcomes] == [type(o) for o in one_by_one]
    assert outcomes[3].message_dict == one_by_one[3].message_dict
    actual = written()
    for table in expected:
        assert actual[table] == expected[table], table
    # Numbers without gaps for the accepted items, in the order given.
    numbers = [o.petition.registration_number for o in outcomes if isinstance(o, services.Registered)]
    assert [int(n[-6:]) for n in numbers] == [2, 3, 4, 5, 6, 7]
    assert numbers[-1].startswith("XF-330102-2026-")
    # Each item has its own query code, which finds its petition.
    codes = [o.query_code for o in outcomes if isinstance(o, services.Registered)]
    assert len(set(codes)) == 6
    assert Petition.objects.get(query_code_hash=services.hash_query_code(codes[2])) == outcomes[2].petition


def test_the_same_petitioner_within_a_chunk_is_one_petitioner(people, now):
    first, again = f.person(720), f.person(720)
    again.phone = "13900000720"
    no_id = [PartyInput(name="吴六", phone="13600000002"), PartyInput(name="吴六", phone="13600000002")]
    outcomes = services.register_many(
        [
            f.registration(parties=[first]),
            f.registration(parties=[again]),
            f.registration(parties=[no_id[0]]),
            f.registration(parties=[no_id[1]]),
        ],
        people.registrar,
    )
    principals = [o.petition.principal for o in outcomes]
    assert principals[0] == principals[1] and principals[2] == principals[3]
    assert Petitioner.objects.count() == 2
    person = Petitioner.objects.get(id_number_digest=digest_id_number(first.id_number))
    assert person.phone == "13900000720"
    (update,) = Event.objects.filter(action="update_petitioner")
    assert update.petition == outcomes[1].petition
    # The audit row says which contact detail changed, masked: the values are encrypted in the row only.
    assert update.changes == {"phone": [mask_phone(first.phone), "139****0720"]}
    assert Event.objects.filter(action="create_petitioner").count() == 2


def test_an_id_number_under_another_name_is_refused_within_a_chunk_and_against_the_file(people, now):
    f.register(people.registrar, parties=[f.person(730)])
    on_file = f.person(730)
    on_file.name = "另一个人"
    newcomer, impostor = f.person(731), f.person(731)
    impostor.name = "冒名者"
    before = (Petition.objects.count(), Petitioner.objects.count(), Event.objects.count())

    outcomes = services.register_many(
        [
            f.registration(parties=[on_file]),
            f.registration(parties=[newcomer]),
            f.registration(parties=[impostor]),
        ],
        people.registrar,
    )

    assert isinstance(outcomes[1], services.Registered)
    for refused in (outcomes[0], outcomes[2]):
        assert "另一姓名" in refused.message_dict["parties.0.id_number"][0]
    assert Petition.objects.count() == before[0] + 1
    assert Petitioner.objects.count() == before[1] + 1
    assert Petitioner.objects.get(id_number_digest=digest_id_number(newcomer.id_number)).name == newcomer.name


def test_refused_items_write_nothing_and_an_external_id_counts_once(people, now):
    outcomes = services.register_many(
        [
            f.registration(external_id="X-1"),
            f.registration(external_id="X-1"),
            f.registration(summary=""),
            f.registration(external_id="X-2"),
        ],
        people.registrar,
    )
    assert [isinstance(o, services.Registered) for o in outcomes] == [True, False, False, True]
    assert "已经导入过" in outcomes[1].message_dict["external_id"][0]
    assert "summary" in outcomes[2].message_dict
    assert sorted(Petition.objects.values_list("external_id", flat=True)) == ["X-1", "X-2"]
    assert [p.registration_number[-6:] for p in Petition.objects.order_by("pk")] == ["000001", "000002"]


def test_a_chunk_where_every_item_is_refused_writes_nothing(people, now):
    with CaptureQueriesContext(connection) as queries:
        outcomes = services.register_many(
            [f.registration(summary=""), f.registration(parties=[])], people.registrar
        )
    assert all(isinstance(o, ValidationError) for o in outcomes)
    assert not Petition.objects.exists() and not Event.objects.exists()
    assert not any(q["sql"].startswith(("INSERT", "UPDATE")) for q in queries.captured_queries)


def test_the_query_count_does_not_grow_with_the_chunk(people, now):
    def run(size: int, start: int) -> int:
        registrations = [
            f.registration(
                parties=[
                    f.person(start + i),
                    PartyInput(name=f"无证{start + i}", phone=f"1370{start + i:07d}"),
                ]
            )
            for i in range(size)
        ]
        for reg in registrations:
            reg.parties[1].role = PartyRole.CO_PETITIONER
            reg.person_count = 2
        with CaptureQueriesContext(connection) as queries:
            outcomes = services.register_many(registrations, people.registrar)
        assert all(isinstance(o, services.Registered) for o in outcomes)
        return len(queries.captured_queries)

    run(3, 1000)  # the registration sequence row exists from here on
    ten, hundred = run(10, 2000), run(100, 3000)
    assert ten == hundred
    # 22: the intake assistance's signatures and their LSH bands, two statements per chunk (assist.signatures);
    # 21: the sequence's UPDATE returns the new value.
    assert hundred <= 21
    assert Petition.objects.count() == 113 and Event.objects.count() == 113 * 5


def test_one_registration_costs_fewer_queries_than_before(people, now):
    f.register(people.registrar)  # the sequence row exists
    registration = f.registration()
    with CaptureQueriesContext(connection) as queries:
        services.register(registration, people.registrar)
    # Multi-row inserts per table, not one save() per row; the same statements as a chunk (17: the search
    # index reads the chunk's parties once, for the petitioners' names; 18: the urgent-phrase list, once;
    # 20: the text signature and its LSH bands, one INSERT each, assist.signatures; 19: the sequence's
    # UPDATE returns the new value). Here huey is immediate: with a worker, the search document and the
    # signature leave the request (tests/petitions/test_deferral.py).
    assert len(queries.captured_queries) <= 19


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_numbers_are_reserved_apart_and_a_failed_write_leaves_only_a_gap(
    people, now, monkeypatch
):
    """The sequence row is locked only for its UPDATE (concurrent intake does not queue behind a whole write);
    a write that then fails keeps nothing but the number it reserved (numbers are gap-tolerant)."""
    first = services.register(f.registration(parties=[f.person(720)]), people.registrar)
    real_write = registration._write

    def failing_write(items, on_file, ip_address):
        real_write(items, on_file, ip_address)
        raise RuntimeError("database gone")

    monkeypatch.setattr(registration, "_write", failing_write)
    with pytest.raises(RuntimeError):
        services.register(f.registration(parties=[f.person(721)]), people.registrar)
    monkeypatch.setattr(registration, "_write", real_write)
    third = services.register(f.registration(parties=[f.person(722)]), people.registrar)

    def sequence(registered) -> int:
        return int(registered.petition.registration_number.rsplit("-", 1)[1])

    assert sequence(third) == sequence(first) + 2
    assert Petition.objects.count() == 2
    assert not Petitioner.objects.filter(id_number_digest=digest_id_number(f.person(721).id_number)).exists()
    assert Event.objects.filter(action="register").count() == 2


def test_inside_a_transaction_a_rolled_back_chunk_leaves_no_gap(people, now):
    first = services.register(f.registration(parties=[f.person(730)]), people.registrar)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.register_many([f.registration(parties=[f.person(731)])], people.registrar)
        raise RuntimeError("the importer's chunk failed")
    again = services.register(f.registration(parties=[f.person(732)]), people.registrar)

    assert again.petition.registration_number.rsplit("-", 1)[1] == (
        f"{int(first.petition.registration_number.rsplit('-', 1)[1]) + 1:06d}"
    )
