"""The same person registered by two registrations at once becomes one petitioner, and neither fails.

Before: 200 concurrent registrations of one person gave several 500s (the ID number's unique index) that
burned registration numbers, and by name and phone PostgreSQL made the person twice.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from xinfang.petitions import registration, services
from xinfang.petitions.models import Petition, Petitioner, digest_id_number
from xinfang.petitions.services import PartyInput

from .. import factories as f

NOW = dt.datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def now(frozen_clock):
    return frozen_clock(NOW)


def no_id(n: int = 1) -> PartyInput:
    return PartyInput(name="无证群众", phone=f"1370000{n:04d}", address="清波街道1号")


@pytest.fixture
def registered_meanwhile(monkeypatch, people):
    """Another registration of ``party`` commits after this one's checks read and before it writes: what two
    requests at once do, made deterministic (SQLite serialises the writes, not the reads before them)."""

    def arrange(party: PartyInput):
        real = registration.OnFile
        started, done = [], []

        class Racing(real):
            def __init__(self, items):
                super().__init__(items)
                if not started:
                    started.append(True)  # the other registration's own checks do not race again
                    done.append(services.register(f.registration(parties=[party]), people.registrar))

        monkeypatch.setattr(registration, "OnFile", Racing)
        return done

    return arrange


@pytest.mark.django_db
@pytest.mark.parametrize("party", [f.person(7001), no_id()], ids=["by ID number", "by name and phone"])
def test_a_person_filed_meanwhile_is_found_not_made_again(people, now, registered_meanwhile, party):
    meanwhile = registered_meanwhile(party)
    ours = services.register(f.registration(parties=[party]), people.registrar)
    assert len(meanwhile) == 1
    assert Petitioner.objects.count() == 1
    first = meanwhile[0].petition.parties.get().petitioner
    assert ours.petition.parties.get().petitioner == first
    assert [p.registration_number[-6:] for p in Petition.objects.order_by("pk")] == ["000001", "000002"]


@pytest.mark.django_db
def test_an_id_number_filed_meanwhile_under_another_name_is_refused_not_merged(
    people, now, registered_meanwhile
):
    party = f.person(7002)
    registered_meanwhile(party)
    other = PartyInput(name="另一人", id_number=party.id_number, phone="13900009999")
    with pytest.raises(ValidationError) as refused:
        services.register(f.registration(parties=[other]), people.registrar)
    assert "另一姓名" in str(refused.value)
    assert Petitioner.objects.get().name == party.name


# Decided at collection, so on SQLite the transactional set-up (a flush and reload) never runs.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL; SQLite serialises writers")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("party", [f.person(7003), no_id(2)], ids=["by ID number", "by name and phone"])
def test_concurrent_registrations_of_one_person_make_one_petitioner_and_no_error(people, now, party):
    registrar_pk = people.registrar.pk
    total = 40

    def register(_):
        try:
            registrar = type(people.registrar).objects.select_related("unit__region").get(pk=registrar_pk)
            return services.register(f.registration(parties=[party]), registrar).petition.pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        pks = list(pool.map(register, range(total)))
    assert len(set(pks)) == total
    assert Petitioner.objects.count() == 1
    numbers = sorted(Petition.objects.values_list("registration_number", flat=True))
    assert [n[-6:] for n in numbers] == [f"{i:06d}" for i in range(1, total + 1)]  # none burned


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL; SQLite serialises writers")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_chunk_and_single_registrations_of_one_person_still_make_one_petitioner(people, now):
    # A chunk with more people than MAX_PERSON_LOCKS takes the one exclusive lock instead of a lock per key.
    party = f.person(7200)
    registrar_pk = people.registrar.pk

    def run(n):
        try:
            registrar = type(people.registrar).objects.select_related("unit__region").get(pk=registrar_pk)
            if n == 0:
                chunk = [f.registration(parties=[f.person(7300 + i)]) for i in range(40)]
                chunk.append(f.registration(parties=[party]))
                outcomes = services.register_many(chunk, registrar)
                return sum(isinstance(o, services.Registered) for o in outcomes)
            services.register(f.registration(parties=[party]), registrar)
            return 1
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        written = sum(pool.map(run, range(12)))
    assert written == 41 + 11
    assert Petitioner.objects.count() == 41
    assert Petitioner.objects.filter(id_number_digest=digest_id_number(party.id_number)).count() == 1
