"""The related-cases panel: its three sections, visibility (an accusation never reaches the accused unit, a
hidden candidate is neither shown nor counted), the two links and their refusals, and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories as f
from xinfang import clock
from xinfang.assist import related, services
from xinfang.assist.models import RelatedLink
from xinfang.audit.models import Event
from xinfang.petitions.models import PetitionClass

from .pairs import MATTERS

EARLIER = MATTERS[0]["earlier"]
PARAPHRASE = MATTERS[0]["paraphrase"]


@pytest.fixture
def earlier(people):
    return f.register(
        people.registrar,
        summary=EARLIER[0],
        content=EARLIER[1],
        received_at=clock.now() - dt.timedelta(days=10),
    )


def _numbers(rows):
    return [row.petition.registration_number for row in rows]


def test_the_three_sections(earlier, people, org):
    person = f.person(4242)
    first = f.register(
        people.registrar, parties=[person], summary="另一件事", content="小区电梯故障两个月无人维修。"
    )
    query = related.Query(
        summary=PARAPHRASE[0],
        content=PARAPHRASE[1],
        category=earlier.category,
        issue_region=org.qingbo,
        id_number=person.id_number,
    )
    panel = related.panel(query, people.registrar)
    assert _numbers(panel.person) == [first.registration_number]
    assert earlier.registration_number in _numbers(panel.nearby)
    assert _numbers(panel.similar)[0] == earlier.registration_number
    assert panel.similar[0].score >= 0.15 and "文本相似" in panel.similar[0].matched[0]


def test_name_and_phone_find_the_person_and_a_partial_id_number_finds_nobody(people):
    person = f.person(4343)
    first = f.register(people.registrar, parties=[person])
    by_contact = related.panel(related.Query(name=person.name, phone=person.phone), people.registrar)
    assert _numbers(by_contact.person) == [first.registration_number]
    partial = related.panel(related.Query(id_number=person.id_number[:10]), people.registrar)
    assert partial.person == [] and not partial.person_searched


def test_a_village_matter_is_looked_for_in_its_township(org):
    village = f.region("330102001001", "清波社区", f.Level.VILLAGE, org.qingbo)
    assert related.area_prefix(village) == "330102001"
    assert related.area_prefix(org.qingbo) == "330102001"


def test_an_older_matter_is_outside_the_recent_window_but_still_similar(people, org, settings):
    settings.XF_ASSIST_RECENT_WEEKS = 2
    old = f.register(
        people.registrar,
        summary=EARLIER[0],
        content=EARLIER[1],
        received_at=clock.now() - dt.timedelta(weeks=30),
    )
    query = related.Query(
        summary=PARAPHRASE[0], content=PARAPHRASE[1], category=old.category, issue_region=org.qingbo
    )
    panel = related.panel(query, people.registrar)
    assert old.registration_number not in _numbers(panel.nearby)
    assert _numbers(panel.similar) == [old.registration_number]


def test_an_accusation_is_never_shown_to_the_accused_unit(people, org):
    accusation = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.qingbo_unit,
        summary=EARLIER[0],
        content=EARLIER[1],
    )
    # The township may see matters sent to it; even so, not an accusation of itself.
    from xinfang.workflow.services import perform

    perform(accusation, "transfer", people.registrar, to_unit=org.housing)
    seen_by_bureau = related.panel(
        related.Query(summary=PARAPHRASE[0], content=PARAPHRASE[1]), people.registrar
    )
    assert _numbers(seen_by_bureau.similar) == [accusation.registration_number]
    for user in (people.township_handler, people.other_county_registrar):
        panel = related.panel(related.Query(summary=PARAPHRASE[0], content=PARAPHRASE[1]), user)
        assert panel.similar == []


def test_link_as_repeat_sets_repeat_of_through_the_correction(earlier, people):
    later = f.register(people.registrar, summary=PARAPHRASE[0], content=PARAPHRASE[1])
    services.link_repeat(later, earlier.pk, people.registrar)
    later.refresh_from_db()
    assert later.repeat_of_id == earlier.pk and later.is_repeat
    event = Event.objects.filter(petition=later, action="correct_details").get()
    assert event.changes["repeat_of_id"] == [None, earlier.pk]


def test_link_refusals(earlier, people, org):
    later = f.register(people.registrar, summary=PARAPHRASE[0], content=PARAPHRASE[1])
    with pytest.raises(ValidationError, match="自身"):
        services.link_repeat(later, later.pk, people.registrar)
    with pytest.raises(ValidationError, match="更早"):
        services.link_repeat(earlier, later.pk, people.registrar)
    with pytest.raises(ValidationError, match="不存在"):
        services.link_repeat(later, 10**9, people.registrar)
    with pytest.raises(ValidationError, match="不存在"):  # another county's registrar sees neither
        services.link_related(later, earlier.pk, people.other_county_registrar)
    with pytest.raises(ValidationError, match="登记员"):
        services.link_repeat(later, earlier.pk, people.bureau_handler)
    later.refresh_from_db()
    assert later.repeat_of_id is None


def test_link_related_is_audited_once_and_shown_on_both(earlier, people):
    later = f.register(people.registrar, summary="另一件事", content="同一小区的另一件事。")
    link = services.link_related(later, earlier.pk, people.registrar, note="同一征收项目")
    assert (link.first_id, link.second_id) == (earlier.pk, later.pk)
    assert Event.objects.filter(action="link_related").count() == 1
    assert [other for _, other in services.related_links(earlier, people.registrar)] == [later]
    assert [other for _, other in services.related_links(later, people.registrar)] == [earlier]
    with pytest.raises(ValidationError, match="已与"):
        services.link_related(earlier, later.pk, people.registrar)
    assert RelatedLink.objects.count() == 1


def test_intake_panel_view_is_post_only_and_for_registrars(client, earlier, people):
    url = reverse("assist:intake")
    client.force_login(people.registrar)
    assert client.get(url).status_code == 405
    response = client.post(url, {"summary": PARAPHRASE[0], "content": PARAPHRASE[1]})
    assert response.status_code == 200
    assert earlier.registration_number in response.content.decode()
    assert "关联为重复件" in response.content.decode()
    client.force_login(people.bureau_handler)
    assert client.post(url, {"summary": PARAPHRASE[0]}).status_code == 403


def test_petition_panel_and_the_link_buttons(client, earlier, people):
    later = f.register(people.registrar, summary=PARAPHRASE[0], content=PARAPHRASE[1])
    client.force_login(people.registrar)
    page = client.get(reverse("assist:petition", args=[later.pk])).content.decode()
    assert earlier.registration_number in page and "本件为其重复件" in page
    response = client.post(reverse("assist:link_repeat", args=[later.pk]), {"other": earlier.pk})
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.repeat_of_id == earlier.pk
    response = client.post(reverse("assist:link_related", args=[later.pk]), {"other": "abc"})
    assert response.status_code == 302 and RelatedLink.objects.count() == 0
    # Someone who may not see the petition gets the same 404 as for a missing one.
    client.force_login(people.other_county_registrar)
    assert client.get(reverse("assist:petition", args=[later.pk])).status_code == 404
    assert (
        client.post(reverse("assist:link_related", args=[later.pk]), {"other": earlier.pk}).status_code == 404
    )


def test_api_related_is_post_with_problem_details(client, earlier, people, org):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(people.registrar)
    url = "/api/v1/petitions/related/"
    answer = api.post(
        url,
        {
            "summary": PARAPHRASE[0],
            "content": PARAPHRASE[1],
            "category": earlier.category.path,
            "issue_region": org.qingbo.code,
        },
        format="json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert set(body) == {"same_person", "same_category_region", "similar_text", "recent_weeks"}
    row = body["similar_text"][0]
    assert row["number"] == earlier.registration_number
    assert set(row) >= {"summary", "received_at", "status_label", "unit", "matched", "score"}
    bad = api.post(url, {"issue_region": "999999", "category": "没有这个分类"}, format="json")
    assert bad.status_code == 400
    assert bad["Content-Type"].startswith("application/problem+json")
    hidden = APIClient()
    hidden.force_authenticate(people.other_county_registrar)
    assert (
        hidden.post(url, {"summary": PARAPHRASE[0], "content": PARAPHRASE[1]}, format="json").json()[
            "similar_text"
        ]
        == []
    )
    assert api.get(url).status_code == 405


def test_the_api_documents_the_endpoint(client):
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/schema/?format=json").json()
    assert "post" in schema["paths"]["/api/v1/petitions/related/"]


def test_the_history_names_the_link_and_a_merged_duplicate_is_not_listed(client, earlier, people):
    later = f.register(people.registrar, summary=PARAPHRASE[0], content=PARAPHRASE[1])
    services.link_related(later, earlier.pk, people.registrar)
    client.force_login(people.registrar)
    page = client.get(reverse("petitions:detail", args=[later.pk]))
    assert page.status_code == 200 and "关联相关事项" in page.content.decode()
    type(earlier).objects.filter(pk=earlier.pk).update(merged_into=later)  # as the merge effect leaves it
    panel = related.panel(related.Query(summary=PARAPHRASE[0], content=PARAPHRASE[1]), people.registrar)
    assert earlier.registration_number not in _numbers(panel.similar)
    assert later.registration_number in _numbers(panel.similar)
