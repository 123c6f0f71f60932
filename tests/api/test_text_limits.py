"""An over-limit text in the API is a problem-details 400 in Chinese, never a cut registration."""

from __future__ import annotations

import pytest

from xinfang.petitions.models import Petition, Petitioner

from .conftest import PETITIONS_URL, body
from .test_petitions_create import assert_refused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"summary": "长" * 201}, "summary"),
        ({"content": "长" * 20001}, "content"),
        ({"petitioners": [{"name": "张三", "address": "路" * 201}]}, "petitioners.0.address"),
        ({"petitioners": [{"name": "张" * 51}]}, "petitioners.0.name"),
        ({"subject_person": "李" * 101}, "subject_person"),
    ],
)
def test_over_limit_text_is_refused_not_cut(client_for, people, org, now, payload, field):
    response = client_for(people.registrar).post(PETITIONS_URL, body(**payload), format="json")
    assert_refused(response, field)
    assert not Petition.objects.exists() and not Petitioner.objects.exists()
