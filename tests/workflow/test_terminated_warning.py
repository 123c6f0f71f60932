"""A new registration by someone whose matter on the same category or issue region ended by three-level
termination (三级终结): the workbench form warns and offers 按不再受理告知; the API registers and warns."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tests import factories as f
from tests.petitions.test_views_register import form_data, post
from xinfang import clock
from xinfang.petitions.models import Category, ClosedReason, Petition, Status
from xinfang.petitions.terminated import terminated_matters


@pytest.fixture
def terminated(scene):
    petition = scene.drive("terminated", parties=[f.person(901)])
    assert petition.status == Status.TERMINATED
    return petition


def _party(sequence=901) -> dict:
    person = f.person(sequence)
    return {
        "name": person.name,
        "id_number": person.id_number,
        "phone": person.phone,
        "address": "",
        "role": "principal",
    }


def test_same_person_same_category_is_found_and_others_are_not(terminated, people):
    again = f.registration(parties=[f.person(901)])
    assert terminated_matters(again, people.registrar) == [terminated]
    # By name and phone when no ID number is given.
    by_phone = f.person(901)
    by_phone.id_number = ""
    assert terminated_matters(f.registration(parties=[by_phone]), people.registrar) == [terminated]
    assert terminated_matters(f.registration(parties=[f.person(902)]), people.registrar) == []
    other_category = Category.objects.exclude(pk=terminated.category_id).filter(children__isnull=True).first()
    elsewhere = f.registration(
        parties=[f.person(901)], category=other_category, issue_region=terminated.issue_region.parent
    )
    assert terminated_matters(elsewhere, people.registrar) == []
    # Another county's registrar does not see the matter, so is not told of it.
    assert terminated_matters(again, people.other_county_registrar) == []


def test_the_form_warns_first_then_declines_with_the_notice_of_no_re_acceptance(client, terminated, people):
    data = form_data(parties=[_party()])
    before = Petition.objects.count()
    page = post(client, people.registrar, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "已三级终结" in html and terminated.registration_number in html and "按不再受理告知" in html
    assert Petition.objects.count() == before  # nothing registered yet

    done = post(client, people.registrar, data | {"terminated_choice": str(terminated.pk)})
    assert done.status_code == 302
    new = Petition.objects.latest("id")
    assert new.repeat_of_id == terminated.pk
    assert new.status == Status.CLOSED and new.closed_reason == ClosedReason.MATTER_TERMINATED


def test_the_form_registers_a_new_matter_when_the_registrar_says_so(client, terminated, people):
    data = form_data(parties=[_party()]) | {"terminated_choice": "new"}
    assert post(client, people.registrar, data).status_code == 302
    new = Petition.objects.latest("id")
    assert new.status == Status.REGISTERED and new.repeat_of_id is None


def test_a_choice_that_is_not_one_of_the_matters_only_warns_again(client, terminated, people):
    other = f.register(people.registrar)
    data = form_data(parties=[_party()]) | {"terminated_choice": str(other.pk)}
    before = Petition.objects.count()
    assert post(client, people.registrar, data).status_code == 200
    assert Petition.objects.count() == before


def test_the_api_registers_and_warns(terminated, people, org):
    api = APIClient()
    api.force_login(people.registrar)
    body = {
        "channel": "letter",
        "received_at": (clock.now() - dt.timedelta(hours=1)).isoformat(),
        "petition_class": "claim",
        "category": terminated.category.path,
        "issue_region": terminated.issue_region.code,
        "summary": "再次反映征收补偿",
        "content": "补偿标准仍然过低。",
        "petitioners": [{"name": f.person(901).name, "id_number": f.person(901).id_number}],
    }
    answer = api.post("/api/v1/petitions/", body, format="json")
    assert answer.status_code == 201, answer.content.decode()
    (warning,) = answer.json()["warnings"]
    assert warning["code"] == "matter_terminated"
    assert [p["number"] for p in warning["petitions"]] == [terminated.registration_number]
    plain = api.post(
        "/api/v1/petitions/",
        body | {"petitioners": [{"name": "别人", "id_number": f.person(903).id_number}]},
        format="json",
    )
    assert plain.status_code == 201 and "warnings" not in plain.json()
