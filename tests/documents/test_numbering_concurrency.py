"""Document numbers under concurrent issuing (PostgreSQL: real row locks between connections)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from xinfang.documents.services import next_number
from xinfang.orgs.models import OrgUnit


# Decided at collection, so on SQLite the transactional set-up (a flush and reload) never runs.
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL; SQLite serialises writers")
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issuers_never_get_the_same_number(org):
    unit_pk = org.bureau.pk

    def allocate(_):
        try:
            unit = OrgUnit.objects.select_related("region").get(pk=unit_pk)
            numbers = []
            for _ in range(10):
                with transaction.atomic():
                    numbers.append(next_number(unit, "受", 2026))
            return numbers
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [n for batch in pool.map(allocate, range(8)) for n in batch]
    assert sorted(serial for serial, _ in results) == list(range(1, 81))
    assert len({number for _, number in results}) == 80
