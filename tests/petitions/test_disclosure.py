"""Each showing of a protected identity is logged (process.md §11); ordinary views are not."""

import pytest
from django.urls import reverse

from xinfang.petitions.models import PetitionClass

from .. import factories as f


def disclosures(petition):
    return list(petition.events.filter(action="disclose_identity").values_list("actor__username", "data"))


@pytest.fixture
def confidential(people):
    return f.register(people.registrar, identity_confidential=True)


def test_workbench_detail_logs_a_confidential_identity_shown(client, people, confidential):
    client.force_login(people.registrar)
    detail = reverse("petitions:detail", args=[confidential.pk])
    page = client.get(detail).content.decode()
    assert "显示身份信息" in page and disclosures(confidential) == []  # masked until asked
    assert client.get(detail, {"identity": "show"}).status_code == 200
    assert disclosures(confidential) == [("registrar", {"via": "workbench"})]


def test_accusation_identity_shown_is_logged_via_api(client, org, people):
    accusation = f.register(
        people.registrar, petition_class=PetitionClass.ACCUSATION, subject_unit=org.housing
    )
    client.force_login(people.registrar)
    assert client.get(f"/api/v1/petitions/{accusation.pk}/").status_code == 200
    assert disclosures(accusation) == []  # masked until asked
    assert client.get(f"/api/v1/petitions/{accusation.pk}/?identity=show").status_code == 200
    assert disclosures(accusation) == [("registrar", {"via": "api"})]


def test_masked_views_and_ordinary_petitions_log_nothing(client, people, confidential):
    ordinary = f.register(people.registrar)
    client.force_login(people.registrar)
    client.get(reverse("petitions:detail", args=[ordinary.pk]))
    assert disclosures(ordinary) == []
    client.force_login(people.bureau_leader)  # sees the jurisdiction, but identities stay masked
    page = client.get(reverse("petitions:detail", args=[confidential.pk]), {"identity": "show"})
    assert "显示身份信息" not in page.content.decode()  # nothing to offer a leader
    client.get(f"/api/v1/petitions/{confidential.pk}/?identity=show")
    assert disclosures(confidential) == []
