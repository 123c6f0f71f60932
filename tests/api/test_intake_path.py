"""The API intake's short cuts keep its answers: token authentication with the unit loaded, the registered
petition answered from what was written, categories and regions resolved from a per-process cache that
forgets on every change."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests import factories as f
from xinfang.api import lookups, tokens
from xinfang.orgs.models import Role
from xinfang.petitions.models import Category, Petition, PetitionClass
from xinfang.search.models import SearchDocument
from xinfang.search.query import search_petitions

from .conftest import PETITIONS_URL, body, id_number

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    _, key = tokens.issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def queries_on(captured, table: str) -> int:
    return sum(f'FROM "{table}"' in q["sql"] for q in captured.captured_queries)


# --- token authentication -----------------------------------------------------------------------------------


def test_a_token_request_reads_the_user_unit_and_region_in_one_query(people):
    client = token_client(people.registrar)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["unit"]["region"] == "330102"
    assert queries_on(captured, "api_apitoken") == 1
    assert queries_on(captured, "orgs_region") == 0  # joined into the token query


def test_unknown_token_and_inactive_user_are_refused_as_drf_does(people):
    # As with DRF's own class: 403, because session authentication comes first (it sends no challenge).
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nosuchtoken")
    refused = client.get("/api/v1/me")
    assert refused.status_code == 403 and refused.json()["detail"] == "认证令牌无效。"

    client = token_client(people.bureau_handler)
    people.bureau_handler.is_active = False
    people.bureau_handler.save()
    refused = client.get("/api/v1/me")
    assert refused.status_code == 403 and refused.json()["detail"] == "用户未激活或者已删除。"


# --- the 201 answer -----------------------------------------------------------------------------------------


def registered_and_detail(client, data: dict) -> tuple[dict, dict]:
    created = client.post(PETITIONS_URL, data, format="json")
    assert created.status_code == 201, created.content
    created = created.json()
    detail = client.get(f"{PETITIONS_URL}{created['id']}/")
    assert detail.status_code == 200
    return created, detail.json()


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"identity_confidential": True, "subject_person": "某某"},
        {
            "channel": "visit",
            "visit_level": "county",
            "person_count": 6,
            "petitioners": [
                {"name": f"代表{i}", "id_number": id_number(10 + i), "role": "representative"}
                for i in range(3)
            ],
        },
        {"petition_class": PetitionClass.ACCUSATION, "subject_unit": "330102-ZJJ"},
    ],
    ids=["plain", "confidential", "collective", "accusation"],
)
def test_the_201_body_is_the_detail_plus_the_query_code(people, org, now, overrides):
    """Answered from the objects `register` wrote, the 201 must say exactly what reading it back says."""
    created, detail = registered_and_detail(token_client(people.registrar), body(**overrides))
    query_code = created.pop("query_code")
    assert len(query_code.replace("-", "")) == 12
    assert created == detail


def test_the_201_body_of_a_repeat_names_the_earlier_petition(people, org, now):
    client = token_client(people.registrar)
    first = client.post(PETITIONS_URL, body(), format="json").json()
    created, detail = registered_and_detail(client, body(repeat_of=first["registration_number"]))
    created.pop("query_code")
    assert created == detail
    assert created["repeat_of"] == first["registration_number"] and created["is_repeat"] is True


def test_a_registration_through_the_api_is_searchable_at_once(people, org, now):
    created = token_client(people.registrar).post(
        PETITIONS_URL, body(summary="反映拖欠农民工工资", content="包工头拖欠工资三万余元。"), format="json"
    )
    pk = created.json()["id"]
    assert SearchDocument.objects.filter(petition_id=pk).exists()
    assert list(search_petitions(Petition.objects.all(), "工资").values_list("pk", flat=True)) == [pk]


def test_registering_an_accusation_against_ones_own_unit_is_refused_before_it_is_written(org, now):
    # The unit an accusation accuses never sees it (process.md §11): saved, it would vanish from the
    # registrar's view with its query code, so it is refused first (problem details 400, nothing written).
    registrar = f.UserFactory(username="zjj_registrar", unit=org.housing, roles=[Role.REGISTRAR])
    response = token_client(registrar).post(
        PETITIONS_URL,
        body(petition_class=PetitionClass.ACCUSATION, subject_unit="330102-ZJJ"),
        format="json",
    )
    assert response.status_code == 400
    assert "纪检监察机关" in response.json()["detail"] or "纪检监察机关" in response.content.decode()
    assert Petition.objects.filter(receiving_unit=org.housing).count() == 0


# --- the per-process cache of categories, regions and units -----------------------------------------------


def test_the_category_and_region_are_read_once_per_process(people, org, now):
    client = token_client(people.registrar)
    client.post(PETITIONS_URL, body(), format="json")
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            PETITIONS_URL, body(petitioners=[{"name": "李四", "id_number": id_number(2)}]), format="json"
        )
    assert response.status_code == 201, response.content
    assert queries_on(captured, "petitions_category") == 0
    assert queries_on(captured, "orgs_region") == 0


def test_a_category_renamed_in_the_admin_is_refused_by_its_old_path_at_once(people, org, now):
    client = token_client(people.registrar)
    assert client.post(PETITIONS_URL, body(), format="json").status_code == 201
    category = Category.objects.get(path="城乡建设/征收拆迁")
    category.name = "征地拆迁"
    category.save()  # the admin saves through the model: the signal drops the cache

    old = client.post(
        PETITIONS_URL, body(petitioners=[{"name": "李四", "id_number": id_number(2)}]), format="json"
    )
    assert old.status_code == 400
    assert "城乡建设/征收拆迁" in old.json()["errors"]["category"][0]
    new = client.post(
        PETITIONS_URL,
        body(category="城乡建设/征地拆迁", petitioners=[{"name": "李四", "id_number": id_number(2)}]),
        format="json",
    )
    assert new.status_code == 201, new.content


def test_a_save_publishes_a_new_stamp_for_the_other_processes_on_commit(
    org, django_capture_on_commit_callbacks
):
    before = cache.get(lookups.VERSION_KEY)
    category = Category.objects.get(path="城乡建设/征收拆迁")
    with django_capture_on_commit_callbacks(execute=True):
        category.save()
        assert cache.get(lookups.VERSION_KEY) == before  # not before the change is committed
    assert cache.get(lookups.VERSION_KEY) != before


def test_a_change_made_by_another_process_is_seen_within_the_check_interval(people, org, now, monkeypatch):
    client = token_client(people.registrar)
    assert client.post(PETITIONS_URL, body(), format="json").status_code == 201
    # Another process deactivates the category: no signal in this one, only the stamp it publishes.
    Category.objects.filter(path="城乡建设/征收拆迁").update(is_active=False)
    cache.set(lookups.VERSION_KEY, "another process's stamp", None)
    monkeypatch.setattr(lookups, "CHECK_EVERY", 0.0)  # instead of waiting a second

    refused = client.post(
        PETITIONS_URL, body(petitioners=[{"name": "李四", "id_number": id_number(2)}]), format="json"
    )
    assert refused.status_code == 400
    assert "category" in refused.json()["errors"]  # the reloaded row is inactive: register refuses it


def test_a_change_without_any_signal_is_seen_after_max_age(people, org, now, monkeypatch):
    client = token_client(people.registrar)
    assert client.post(PETITIONS_URL, body(), format="json").status_code == 201
    Category.objects.filter(path="城乡建设/征收拆迁").update(
        is_active=False
    )  # raw update: no signal, no stamp
    monkeypatch.setattr(lookups, "CHECK_EVERY", 0.0)
    monkeypatch.setattr(lookups, "MAX_AGE", 0.0)

    refused = client.post(
        PETITIONS_URL, body(petitioners=[{"name": "李四", "id_number": id_number(2)}]), format="json"
    )
    assert refused.status_code == 400
    assert "category" in refused.json()["errors"]


def test_a_name_not_on_file_is_not_remembered(people, org, now):
    client = token_client(people.registrar)
    missing = client.post(PETITIONS_URL, body(category="城乡建设/新分类"), format="json")
    assert missing.status_code == 400
    parent = Category.objects.get(path="城乡建设")
    Category.objects.bulk_create(
        [Category(name="新分类", parent=parent, path="城乡建设/新分类")]
    )  # no signal

    found = client.post(PETITIONS_URL, body(category="城乡建设/新分类"), format="json")
    assert found.status_code == 201, found.content


def test_the_cached_row_is_a_copy(org):
    lookup = lookups.lookup(Category, "path")
    first = lookup.get("城乡建设/征收拆迁")
    first.name = "changed by a caller"
    assert lookup.get("城乡建设/征收拆迁").name != "changed by a caller"
