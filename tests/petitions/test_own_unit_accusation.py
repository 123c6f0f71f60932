"""An accusation (检举控告) against the registrar's own unit is refused before anything is written.

Saved, it could never be seen by the unit that registered it (visible_to hides it from the accused unit), so
the query code would be lost; the regulation sends it to the level above or the discipline organ instead.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests import factories as f
from tests.petitions.test_views_register import form_data, post
from xinfang.audit.models import Event
from xinfang.petitions.models import Petition, PetitionClass, Petitioner, RegistrationSequence
from xinfang.petitions.validation import OWN_UNIT_ACCUSATION

pytestmark = pytest.mark.django_db


def written() -> tuple:
    return (
        Petition.objects.count(),
        Petitioner.objects.count(),
        Event.objects.count(),
        list(RegistrationSequence.objects.values_list("region_code", "year", "last")),
    )


def test_the_message_says_where_it_must_go():
    assert "上一级" in OWN_UNIT_ACCUSATION and "纪检监察机关" in OWN_UNIT_ACCUSATION


def test_the_service_refuses_before_a_number_is_reserved(org, people):
    before = written()
    with pytest.raises(ValidationError) as exc:
        f.register(people.registrar, petition_class=PetitionClass.ACCUSATION, subject_unit=org.bureau)
    assert exc.value.message_dict["subject_unit"] == [OWN_UNIT_ACCUSATION]
    assert written() == before
    # The next registration gets the first number: none was burnt.
    petition = f.register(people.registrar)
    assert petition.registration_number.endswith("-000001")


def test_an_accusation_against_another_unit_is_registered(org, people):
    petition = f.register(people.registrar, petition_class=PetitionClass.ACCUSATION, subject_unit=org.housing)
    assert petition.subject_unit == org.housing


def test_the_form_keeps_what_was_typed(client, org, people):
    before = written()
    data = form_data(
        petition_class="accusation", subject_unit=org.bureau.pk, summary="举报本局某科长收受财物"
    )
    response = post(client, people.registrar, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert OWN_UNIT_ACCUSATION in html
    assert "举报本局某科长收受财物" in html
    assert data["parties-0-name"] in html
    assert written() == before
