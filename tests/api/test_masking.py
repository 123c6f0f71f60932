"""Identity on the API, by the one masking rule (petitions.masking): all four fields masked for roles that do not
work with identity; protected identities (confidential, accusers) masked in every list, unmasked on the detail only
for handling staff."""

from __future__ import annotations

import pytest

from tests import factories as f
from xinfang.petitions.services import PartyInput

from .conftest import PETITIONS_URL, id_number

pytestmark = pytest.mark.django_db

ID = id_number(7)
PERSON = PartyInput(name="张三丰", id_number=ID, phone="13800000007", address="上城区清波街道7号")
FULL = {"name": "张三丰", "id_number": ID, "phone": "13800000007", "address": "上城区清波街道7号"}
ALL_MASKED = {
    "name": "张**",
    "id_number": ID[:6] + "********" + ID[-4:],
    "phone": "138****0007",
    "address": "（已隐藏）",
}


def shown(client, petition) -> tuple[dict, dict, bool]:
    """The principal as the list shows it, as the detail shows it when asked to (``identity=show``: a protected
    identity is masked until then), and the detail's identity_masked flag."""
    listed = client.get(PETITIONS_URL).json()["results"]
    row = next(r for r in listed if r["id"] == petition.pk)
    detail = client.get(f"{PETITIONS_URL}{petition.pk}/", {"identity": "show"}).json()
    fields = ("name", "id_number", "phone", "address")

    def pick(person):
        return {k: person[k] for k in fields}

    return pick(row["petitioners"][0]), pick(detail["petitioners"][0]), detail["identity_masked"]


ORDINARY = {
    "registrar": FULL,
    "bureau_handler": FULL,
    "reviewer": FULL,
    "township_handler": FULL,  # a handler of a unit it was sent to works with the petitioner
    "city_registrar": FULL,
    "bureau_leader": ALL_MASKED,  # the workbench shows these roles masked names: so does the API
    "township_leader": ALL_MASKED,
    "auditor": ALL_MASKED,
}

CONFIDENTIAL = {
    "registrar": FULL,  # handling staff of the receiving unit
    "bureau_handler": FULL,
    "reviewer": FULL,
    "bureau_leader": ALL_MASKED,  # same unit, but not handling staff
    "auditor": ALL_MASKED,
    "city_registrar": ALL_MASKED,  # sees identity in general, but does not handle this petition
    "township_handler": ALL_MASKED,  # sent to it, but not (yet) its responsible unit
    "township_leader": ALL_MASKED,
}


@pytest.mark.parametrize("persona", ORDINARY)
def test_numbers_are_masked_for_roles_that_do_not_need_them(persona, people, org, now, client_for, route_to):
    petition = f.register(people.registrar, parties=[PERSON])
    route_to(petition, org.qingbo_unit)

    in_list, in_detail, masked = shown(client_for(getattr(people, persona)), petition)

    assert in_list == in_detail == ORDINARY[persona]
    assert masked is (ORDINARY[persona] != FULL)


@pytest.mark.parametrize("persona", CONFIDENTIAL)
def test_confidential_identity_is_for_handling_staff_only(persona, people, org, now, client_for, route_to):
    petition = f.register(people.registrar, parties=[PERSON], identity_confidential=True)
    route_to(petition, org.qingbo_unit)

    in_list, in_detail, masked = shown(client_for(getattr(people, persona)), petition)

    assert in_list == ALL_MASKED  # a list never unmasks a protected identity
    assert in_detail == CONFIDENTIAL[persona]
    assert masked is (CONFIDENTIAL[persona] != FULL)


def test_history_does_not_leak_a_masked_phone(people, org, now, client_for):
    first = PartyInput(name="张三丰", id_number=ID)
    f.register(people.registrar, parties=[first])
    # The same person again, now with a phone: the service records the phone it learnt.
    petition = f.register(people.registrar, parties=[PERSON])

    def petitioner_changes(user):
        events = client_for(user).get(f"{PETITIONS_URL}{petition.pk}/").json()["events"]
        return [e["changes"] for e in events if e["action"] == "update_petitioner"]

    # The audit row itself keeps contact details masked (docs/security.md, "Data at rest"): even a role that
    # sees identities reads which detail changed there, and the value on the petitioner.
    assert petitioner_changes(people.registrar) == [
        {"address": ["", "上城区清波街****"], "phone": ["", "138****0007"]}
    ]
    assert petitioner_changes(people.bureau_leader) == [{}]
