"""Finding a case by its petitioner (issue 13, item 5): name, phone, ID number, phone tail, registration-number
fragments and partial words, in the one index; masking, disclosure records and the accusation rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as f
from xinfang import clock
from xinfang.audit.models import Event
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.intake import PartyInput
from xinfang.petitions.models import PartyRole, Petition, PetitionClass, Petitioner, PetitionParty
from xinfang.petitions.selectors import visible_to
from xinfang.search.models import SearchDocument
from xinfang.search.people import name_terms, phone_tail_term
from xinfang.search.query import TextSearch, search_petitions
from xinfang.workflow.models import Routing, RoutingAction

pytestmark = pytest.mark.django_db

PHONE = "13905711234"


def person(name, phone, id_number="", role=PartyRole.PRINCIPAL):
    return PartyInput(name=name, phone=phone, id_number=id_number, role=role)


@pytest.fixture
def cases(org, people):
    ids = {
        "zhang": make_id_number("330102", dt.date(1971, 3, 9), 27),
        "ouyang": make_id_number("330102", dt.date(1968, 5, 1), 41),
        "accuser": make_id_number("330102", dt.date(1980, 7, 7), 75),
    }
    wages = f.register(
        people.registrar,
        summary="反映拖欠农民工工资",
        content="包工头拖欠工资三万余元，请求帮助追讨。",
        parties=[person("张建国", PHONE, ids["zhang"])],
    )
    expropriation = f.register(
        people.registrar,
        summary="反映房屋征收补偿标准过低",
        content="征收拆迁补偿标准低于周边项目。",
        parties=[
            person("欧阳明华", "13700001111", ids["ouyang"]),
            person("李秀英", "13700002222", role=PartyRole.CO_PETITIONER),
        ],
    )
    accusation = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
        summary="检举住建局工作人员收受好处",
        content="检举某科长在审批中收受好处费。",
        parties=[person("王检举", "13600003333", ids["accuser"])],
    )
    return {"wages": wages, "expropriation": expropriation, "accusation": accusation, "ids": ids}


def found(text, user=None):
    return set(search_petitions(Petition.objects.all(), text, user=user).values_list("pk", flat=True))


# --- names, co-signers included --------------------------------------------------------------------------


def test_name_terms_are_the_marked_name_and_its_tails():
    assert name_terms("欧阳明华") == ["pn欧阳明华", "pn阳明华", "pn明华"]
    assert name_terms("张三") == ["pn张三"]


@pytest.mark.parametrize("text", ["张建国", "张建", "张", "建国"])
def test_finds_a_petitioner_by_full_or_partial_name(cases, text):
    assert cases["wages"].pk in found(text)
    assert cases["expropriation"].pk not in found(text)


def test_finds_by_a_co_petitioners_name(cases):
    assert found("李秀英") == {cases["expropriation"].pk}
    assert found("欧阳") == {cases["expropriation"].pk}


def test_a_name_with_a_word_of_the_matter_narrows(cases):
    assert found("张建国 工资") == {cases["wages"].pk}
    assert found("张建国 征收") == set()


def test_an_accusers_name_is_not_in_the_index(cases):
    tokens = SearchDocument.objects.get(petition=cases["accusation"]).tokens
    assert "pn" not in tokens and "pt" not in tokens
    assert found("王检举") == set()


def test_the_index_holds_no_phone_nor_id_number(cases):
    for doc in SearchDocument.objects.all():
        assert PHONE not in doc.tokens and "1234" not in doc.tokens
        for id_number in cases["ids"].values():
            assert id_number.lower() not in doc.tokens


def test_a_renamed_petitioner_is_found_by_the_new_name(cases):
    person = Petitioner.objects.get(name="张建国")
    person.name = "张建民"
    person.save(update_fields=["name"])
    assert found("张建民") == {cases["wages"].pk}
    assert found("张建国") == set()


def test_a_party_added_later_is_found(cases):
    petitioner = Petitioner.objects.create(name="赵新来", created_at=clock.now())
    PetitionParty.objects.create(
        petition=cases["wages"], petitioner=petitioner, role=PartyRole.CO_PETITIONER, position=5
    )
    assert found("赵新") == {cases["wages"].pk}


# --- prefixes, partial words and registration-number fragments ----------------------------------------------


@pytest.mark.parametrize("text", ["征收拆", "拆迁", "补偿标", "征"])
def test_finds_by_a_prefix_or_part_of_a_word(cases, text):
    assert cases["expropriation"].pk in found(text)
    assert cases["wages"].pk not in found(text)


def test_finds_by_the_serial_with_or_without_leading_zeros(cases):
    number = cases["wages"].registration_number  # XF-330102-<year>-000001
    serial = number.rsplit("-", 1)[-1]
    assert found(serial) == {cases["wages"].pk}
    assert found(serial.lstrip("0")) >= {cases["wages"].pk}
    assert cases["wages"].pk in found(number.rsplit("-", 2)[-2] + "-" + serial)
    assert found(number) == {cases["wages"].pk}


# --- identities: exact ID number and phone through the digests, the phone's last four ----------------------


def test_finds_by_an_exact_phone_and_id_number(cases, people):
    assert found(PHONE, people.registrar) == {cases["wages"].pk}
    assert found("139 0571 1234", people.registrar) == {cases["wages"].pk}
    assert found(cases["ids"]["zhang"], people.registrar) == {cases["wages"].pk}
    assert found("13905711235", people.registrar) == set()


def test_an_id_number_ending_in_x_is_found_in_either_case(org, people):
    number = next(
        n for n in (make_id_number("330102", dt.date(1975, 1, 1), s) for s in range(200)) if n.endswith("X")
    )
    petition = f.register(people.registrar, parties=[person("钱晓", "13811112222", number)])
    assert found(number.lower(), people.registrar) == {petition.pk}
    assert found(number, people.registrar) == {petition.pk}


@pytest.mark.parametrize("text", ["尾号1234", "*1234", "139****1234", "****1234"])
def test_finds_by_the_last_four_digits_of_the_phone(cases, people, text):
    assert found(text, people.registrar) == {cases["wages"].pk}


def test_four_digits_alone_are_text_not_a_phone_tail(cases, people):
    assert cases["wages"].pk not in found("1234", people.registrar)
    assert not Event.objects.filter(action="search_identity").exists()


def test_the_phone_tail_term_is_a_keyed_digest(cases):
    term = phone_tail_term("1234")
    assert term.startswith("pt") and "1234" not in term
    assert term in SearchDocument.objects.get(petition=cases["wages"]).tokens


def test_a_search_by_phone_is_recorded_without_the_phone(cases, people):
    found(PHONE, people.registrar)
    event = Event.objects.get(action="search_identity")
    assert event.actor == people.registrar
    assert event.data["kind"] == "phone" and event.data["found"] == 1
    assert PHONE not in str(event.data) and PHONE not in str(event.changes)
    assert event.data["digest"] == Petitioner.objects.get(name="张建国").phone_digest


def test_a_search_by_name_or_word_is_not_an_identity_search(cases, people):
    found("张建国", people.registrar)
    found("征收", people.registrar)
    assert not Event.objects.filter(action="search_identity").exists()


# --- protected identities and the accusation rule -------------------------------------------------------------


def test_an_accusers_phone_finds_the_accusation_for_identity_roles_and_discloses(cases, people):
    accusation = cases["accusation"]
    assert found("13600003333", people.registrar) == {accusation.pk}
    event = Event.objects.get(action="search_identity")
    assert event.data["protected"] == [accusation.pk]
    disclosure = Event.objects.get(action="disclose_identity", petition=accusation)
    assert disclosure.data == {"via": "search"} and disclosure.actor == people.registrar


def test_roles_that_see_identities_masked_cannot_find_a_protected_identity(cases, people):
    assert found("13600003333", people.bureau_leader) == set()
    assert found(cases["ids"]["accuser"], people.bureau_leader) == set()
    assert not Event.objects.filter(action="disclose_identity").exists()
    # an ordinary petition is still found; its list shows the identity masked (below)
    assert found(PHONE, people.bureau_leader) == {cases["wages"].pk}


def test_a_confidential_identity_is_found_only_by_the_handling_unit(org, people):
    petition = f.register(
        people.registrar, identity_confidential=True, parties=[person("孙保密", "13588889999")]
    )
    assert found("孙保密", people.registrar) == set()  # not in the index
    assert found("13588889999", people.registrar) == {petition.pk}  # the bureau received it
    assert found("13588889999", people.city_registrar) == set()  # sees it, does not handle it


def test_the_accused_unit_finds_nothing_of_the_accusation_by_any_field(cases, people, org):
    accusation = cases["accusation"]
    Routing.objects.create(
        petition=accusation,
        action=RoutingAction.TRANSFER,
        from_unit=org.bureau,
        to_unit=org.housing,
        sent_at=clock.now(),
    )
    Petition.objects.filter(pk=accusation.pk).update(responsible_unit=org.housing)
    accused = people.department_handler
    client = APIClient()
    client.force_authenticate(accused)
    for text in (
        "13600003333",
        "尾号3333",
        cases["ids"]["accuser"],
        "王检举",
        "收受好处",
        "检举",
        accusation.registration_number,
    ):
        search = TextSearch(text, user=accused)
        assert not search.filter(visible_to(accused)).exists(), text
        assert search.count(visible_to(accused), cap=100) == 0, text
        response = client.get("/api/v1/petitions/", {"q": text})
        assert response.status_code == 200 and response.json()["results"] == [], text
    assert not Event.objects.filter(action="disclose_identity").exists()
    assert all(e.data["found"] == 0 for e in Event.objects.filter(action="search_identity"))


# --- the workbench list and the API -------------------------------------------------------------------------


def test_the_list_found_by_phone_masks_as_the_list_does(client, cases, people):
    client.force_login(people.bureau_leader)  # sees identities masked
    response = client.get(reverse("petitions:list"), {"q": PHONE})
    page = response.content.decode()
    assert response.status_code == 200
    assert cases["wages"].registration_number in page
    assert "张**" in page and "张建国" not in page
    assert PHONE not in page.replace(f'value="{PHONE}"', "")  # only in the search box the leader typed into
    assert '<strong id="petition-total">1</strong>' in page
    assert cases["expropriation"].registration_number not in page


def test_the_list_found_by_name_for_a_registrar_shows_the_name(client, cases, people):
    client.force_login(people.registrar)
    response = client.get(reverse("petitions:list"), {"q": "张建"})
    page = response.content.decode()
    assert cases["wages"].registration_number in page and "张建国" in page
    assert cases["expropriation"].registration_number not in page


def test_the_workbench_search_by_id_number_is_recorded_with_the_address(client, cases, people):
    client.force_login(people.registrar)
    client.get(reverse("petitions:list"), {"q": cases["ids"]["zhang"]}, REMOTE_ADDR="10.1.2.3")
    event = Event.objects.get(action="search_identity")
    assert event.data["kind"] == "id_number" and event.ip_address == "10.1.2.3"
    assert cases["ids"]["zhang"] not in str(event.data)


def test_the_api_q_finds_by_name_and_phone(cases, people):
    api = APIClient()
    api.force_authenticate(people.registrar)
    for text in ("张建", PHONE, "尾号1234"):
        response = api.get("/api/v1/petitions/", {"q": text})
        assert [row["id"] for row in response.json()["results"]] == [cases["wages"].pk], text
    assert Event.objects.filter(action="search_identity", actor=people.registrar).count() == 2
