"""The API refuses an accusation against the registrar's own unit with problem details, writing nothing."""

from __future__ import annotations

import pytest

from tests.petitions.test_own_unit_accusation import written
from xinfang.petitions.validation import OWN_UNIT_ACCUSATION

from .conftest import PETITIONS_URL, body

pytestmark = pytest.mark.django_db


def test_the_api_answers_problem_details_400(client_for, people, org, now):
    before = written()
    response = client_for(people.registrar).post(
        PETITIONS_URL,
        body(petition_class="accusation", subject_unit=org.bureau.code, summary="举报本局工作人员"),
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert OWN_UNIT_ACCUSATION in response.content.decode()
    assert written() == before
