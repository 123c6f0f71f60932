"""Chinese full-text search: jieba-segmented petitions in FTS5 (SQLite) or a tsvector GIN index (PostgreSQL)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as f
from xinfang.petitions.models import Petition
from xinfang.search.models import SearchDocument
from xinfang.search.query import search_petitions
from xinfang.search.segment import query_words

pytestmark = pytest.mark.django_db

EXPROPRIATION = "本人房屋位于清波街道，征收补偿标准低于周边项目，请求依法重新评估。"
WAGES = "在某工地务工八个月，包工头拖欠工资三万余元，请求帮助追讨。"


@pytest.fixture
def petitions(org, people):
    org.housing.short_name = "区住建局"
    org.housing.save()
    return {
        "expropriation": f.register(
            people.registrar, summary="反映房屋征收补偿标准过低", content=EXPROPRIATION
        ),
        "wages": f.register(people.registrar, summary="反映拖欠农民工工资", content=WAGES),
        "housing": f.register(
            people.registrar,
            summary="反映小区配套迟迟未建",
            content="开发商承诺的幼儿园至今未建，多次反映无果。",
            subject_unit=org.housing,
        ),
    }


def found(text):
    return set(search_petitions(Petition.objects.all(), text).values_list("pk", flat=True))


def test_registration_writes_the_index(petitions):
    assert SearchDocument.objects.filter(petition__in=petitions.values()).count() == 3


def test_finds_by_a_word_of_the_content_and_not_the_unrelated(petitions):
    assert found("征收") == {petitions["expropriation"].pk}
    assert found("工资") == {petitions["wages"].pk}
    assert found("补偿 评估") == {petitions["expropriation"].pk}


def test_finds_by_a_unit_name_segmented_as_one_word(petitions):
    assert query_words("区住建局") == ["区住建局"]
    assert found("区住建局") == {petitions["housing"].pk}
    assert found("上城区住房和城乡建设局") == {petitions["housing"].pk}


def test_finds_by_registration_number(petitions):
    number = petitions["wages"].registration_number
    assert found(number) == {petitions["wages"].pk}


def test_finds_nothing_for_words_no_petition_has(petitions):
    assert found("高速公路噪音") == set()
    assert found("征收 工资") == set()  # every word must match


def test_blank_text_filters_nothing(petitions):
    assert found("  ，。 ") == set(Petition.objects.values_list("pk", flat=True))


def test_a_corrected_petition_is_searchable_by_its_new_words(petitions):
    petition = petitions["wages"]
    petition.summary = "反映拖欠农民工工资及社保断缴"
    petition.save(update_fields=["summary"])
    assert found("社保") == {petition.pk}


def test_rebuild_command_restores_a_lost_index(petitions):
    SearchDocument.objects.all().delete()
    assert found("征收") == set()
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert found("征收") == {petitions["expropriation"].pk}


def test_workbench_list_searches_within_what_the_user_may_see(client, people, petitions):
    client.force_login(people.registrar)
    response = client.get(reverse("petitions:list"), {"q": "征收"})
    assert response.status_code == 200
    assert petitions["expropriation"].registration_number in response.content.decode()
    assert petitions["wages"].registration_number not in response.content.decode()

    client.force_login(people.other_county_registrar)
    response = client.get(reverse("petitions:list"), {"q": "征收"})
    assert petitions["expropriation"].registration_number not in response.content.decode()


def test_api_q_filter(people, petitions):
    api = APIClient()
    api.force_authenticate(people.registrar)
    response = api.get("/api/v1/petitions/", {"q": "区住建局"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [petitions["housing"].pk]

    api.force_authenticate(people.other_county_registrar)
    assert api.get("/api/v1/petitions/", {"q": "区住建局"}).json()["results"] == []
