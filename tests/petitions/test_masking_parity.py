"""One masking rule (petitions.masking) through every door: the same petition read by the same user shows the
same identity in the workbench list, the API list and the statistics export (lists), and the same on the
workbench detail and the API detail (details). Protected identities (accusers, confidential petitioners) are
masked in every list whatever the role; a detail that unmasks one writes a disclosure event, a list never."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests import factories as f
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.petitions.identity import make_id_number, mask_id_number, mask_name, mask_phone
from xinfang.petitions.masking import HIDDEN_ADDRESS
from xinfang.petitions.models import PetitionClass
from xinfang.petitions.services import PartyInput
from xinfang.workflow.models import Routing, RoutingAction

pytestmark = pytest.mark.django_db

ID = make_id_number("330102", clock.today().replace(year=1970, month=1, day=1), 9)
PERSON = {"name": "欧阳明华", "id_number": ID, "phone": "13900000009", "address": "上城区湖滨街道9号"}
MASKED = {
    "name": mask_name(PERSON["name"]),
    "id_number": mask_id_number(ID),
    "phone": mask_phone(PERSON["phone"]),
    "address": HIDDEN_ADDRESS,
}
KINDS = {
    "ordinary": {},
    "confidential": {"identity_confidential": True},
    "accusation": {
        "petition_class": PetitionClass.ACCUSATION,
        "subject_unit_code": "330102-ZJJ",
    },
}
# (persona, kind) -> (in lists, on the detail): True = unmasked.
EXPECTED = {
    ("registrar", "ordinary"): (True, True),
    ("registrar", "confidential"): (False, True),  # handling staff of the receiving unit
    ("registrar", "accusation"): (False, True),
    ("bureau_leader", "ordinary"): (False, False),  # not a role of orgs.IDENTITY_ROLES
    ("bureau_leader", "confidential"): (False, False),
    ("bureau_leader", "accusation"): (False, False),
    ("township_handler", "ordinary"): (True, True),
    ("township_handler", "confidential"): (False, False),  # sent to it, not its responsible unit
    ("township_handler", "accusation"): (False, True),
}


@pytest.fixture
def petitions(org, people):
    made = {}
    for kind, extra in KINDS.items():
        extra = dict(extra)
        if "subject_unit_code" in extra:
            extra.pop("subject_unit_code")
            extra["subject_unit"] = org.housing
            extra["category"] = f.category("纪检监察")
        petition = f.register(
            people.registrar, parties=[PartyInput(**PERSON)], summary=f"{kind}事项", **extra
        )
        Routing.objects.create(
            petition=petition,
            action=RoutingAction.TRANSFER,
            from_unit=org.bureau,
            to_unit=org.qingbo_unit,
            sent_at=clock.now(),
        )
        made[kind] = petition
    return made


def expected(unmasked: bool) -> dict:
    return dict(PERSON) if unmasked else dict(MASKED)


def workbench_list_name(client, petition) -> str:
    html = client.get(reverse("petitions:list")).content.decode()
    row = re.search(
        rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(petition.registration_number)}(?:(?!</tr>).)*</tr>", html, re.S
    )
    assert row, petition.registration_number
    cell = re.search(r'<td class="xf-nowrap mask">([^<]*)</td>', row.group(0))
    return cell.group(1).strip()


def workbench_detail(client, petition) -> dict:
    html = client.get(reverse("petitions:detail", args=[petition.pk]), {"identity": "show"}).content.decode()
    body = html[html.index('id="sec-parties"') :]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", body)[:5]
    return {"name": cells[1], "id_number": cells[2], "phone": cells[3], "address": cells[4]}


def api_person(data: dict) -> dict:
    return {k: data["petitioners"][0][k] for k in ("name", "id_number", "phone", "address")}


def export_name(client, petition) -> str:
    params = {
        "region": "330102",
        "volume": "total",
        "period": "month",
        "date": clock.today().replace(day=1),
        "format": "xlsx",
    }
    response = client.get(reverse("stats:petitions"), params)
    book = load_workbook(io.BytesIO(response.content), data_only=True)
    rows = [
        row
        for row in book.active.iter_rows(values_only=True)
        if row and row[0] == petition.registration_number
    ]
    assert rows, "the export lists the petition"
    return rows[0][1]


@pytest.mark.parametrize(("persona", "kind"), list(EXPECTED))
def test_every_door_shows_the_same(persona, kind, petitions, people, client):
    user = getattr(people, persona)
    petition = petitions[kind]
    in_lists, on_detail = EXPECTED[(persona, kind)]
    client.force_login(user)
    api = APIClient()
    api.force_login(user)

    disclosures = Event.objects.filter(action="disclose_identity", petition=petition)
    before = disclosures.count()

    listed = api.get("/api/v1/petitions/").json()["results"]
    api_list = api_person(next(r for r in listed if r["id"] == petition.pk))
    assert api_list == expected(in_lists)
    assert workbench_list_name(client, petition) == expected(in_lists)["name"]
    if user.unit.sees_jurisdiction:  # the statistics drill-down is the bureau's
        assert export_name(client, petition) == expected(in_lists)["name"]
    assert disclosures.count() == before, "a list discloses nothing"

    assert api_person(api.get(f"/api/v1/petitions/{petition.pk}/?identity=show").json()) == expected(
        on_detail
    )
    assert workbench_detail(client, petition) == {k: v or "—" for k, v in expected(on_detail).items()}
    protected = kind != "ordinary"
    assert disclosures.count() - before == (2 if protected and on_detail else 0)
    if protected and on_detail:
        assert set(disclosures.values_list("data__via", flat=True)) == {"api", "workbench"}
