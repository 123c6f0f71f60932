"""Who sees which petition through the API: the same answer in the list and the detail, 404 for "not yours"."""

from __future__ import annotations

import pytest

from tests import factories as f
from xinfang.orgs.models import Role
from xinfang.petitions.models import Category, PetitionClass

from .conftest import PETITIONS_URL, body

pytestmark = pytest.mark.django_db

# A claim registered by the county bureau and sent to 清波街道.
SEES_COUNTY_CLAIM = {
    "registrar": True,
    "bureau_handler": True,
    "bureau_leader": True,
    "reviewer": True,
    "auditor": True,  # bureau staff see the bureau's jurisdiction
    "township_handler": True,  # it was sent to 清波
    "township_leader": True,
    "other_township_handler": False,  # 湖滨 has nothing to do with it
    "department_handler": False,
    "department_leader": False,
    "discipline_handler": False,
    "city_registrar": True,  # the city bureau sees its counties
    "other_county_registrar": False,  # 拱墅 is a different county
}


def listed(client, petition) -> bool:
    response = client.get(PETITIONS_URL)
    assert response.status_code == 200
    return petition.pk in [row["id"] for row in response.json()["results"]]


def detail_status(client, petition) -> int:
    response = client.get(f"{PETITIONS_URL}{petition.pk}/")
    if response.status_code == 404:
        assert response["Content-Type"].startswith("application/problem+json")
    return response.status_code


def test_every_persona_is_covered(people):
    assert set(SEES_COUNTY_CLAIM) == set(vars(people))


@pytest.mark.parametrize("persona", SEES_COUNTY_CLAIM)
def test_county_claim_sent_to_a_township(persona, people, org, now, client_for, route_to):
    petition = f.register(people.registrar)
    route_to(petition, org.qingbo_unit)
    client = client_for(getattr(people, persona))
    expected = SEES_COUNTY_CLAIM[persona]

    assert listed(client, petition) is expected
    assert detail_status(client, petition) == (200 if expected else 404)


def test_not_yours_looks_exactly_like_missing(people, org, now, client_for):
    petition = f.register(people.registrar)
    client = client_for(people.other_county_registrar)

    not_yours = client.get(f"{PETITIONS_URL}{petition.pk}/")
    missing = client.get(f"{PETITIONS_URL}{petition.pk + 1000}/")

    assert not_yours.status_code == missing.status_code == 404
    assert not_yours.json() == missing.json()


def test_a_township_registration_stays_in_that_township(people, org, now, client_for):
    qingbo_registrar = f.UserFactory(
        username="qingbo_registrar", unit=org.qingbo_unit, roles=[Role.REGISTRAR]
    )
    petition = f.register(qingbo_registrar)

    assert detail_status(client_for(people.township_handler), petition) == 200
    assert detail_status(client_for(people.registrar), petition) == 200  # inside the county's jurisdiction
    hubin = client_for(people.other_township_handler)
    assert not listed(hubin, petition)
    assert detail_status(hubin, petition) == 404


def test_the_other_countys_petitions_stay_there(people, org, now, client_for):
    theirs = f.register(people.other_county_registrar, issue_region=org.other_county)

    assert detail_status(client_for(people.registrar), theirs) == 404
    assert not listed(client_for(people.registrar), theirs)
    assert detail_status(client_for(people.city_registrar), theirs) == 200


def test_the_accused_unit_never_sees_the_accusation(people, org, now, client_for, route_to):
    accusation = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        category=Category.objects.get(path="纪检监察"),
        subject_unit=org.qingbo_unit,
        subject_person="某街道干部",
    )
    route_to(accusation, org.discipline)
    # Even if it were wrongly sent to the accused unit, that unit must not see it.
    route_to(accusation, org.qingbo_unit)

    for accused in (people.township_handler, people.township_leader):
        client = client_for(accused)
        assert not listed(client, accusation)
        assert detail_status(client, accusation) == 404
    assert detail_status(client_for(people.discipline_handler), accusation) == 200
    assert detail_status(client_for(people.registrar), accusation) == 200


def test_repeat_of_only_links_what_the_registrar_may_see(people, org, now, client_for):
    f.register(people.other_county_registrar, issue_region=org.other_county, external_id="GS-1")

    response = client_for(people.registrar).post(PETITIONS_URL, body(repeat_of="GS-1"), format="json")

    assert response.status_code == 400
    # The same words as for a number that does not exist: the API does not confirm others' petitions.
    assert response.json()["errors"]["repeat_of"] == ["关联的原信访事项不存在。"]


def test_anonymous_gets_a_problem_not_a_page(org, client_for):
    for url in (PETITIONS_URL, f"{PETITIONS_URL}1/", "/api/v1/me", "/api/v1/regions/"):
        response = client_for(None).get(url)
        assert response.status_code in (401, 403), url
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["status"] == response.status_code
