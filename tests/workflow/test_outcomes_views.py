"""The detail page's co-handling and outcomes panel; what a supporting unit is offered; the settlement form's
refusals (an unknown way, a matter not concluded) shown in Chinese with nothing written."""

from __future__ import annotations

from django.urls import reverse

from .conftest import snapshot


def detail(client, user, petition):
    client.force_login(user)
    return client.get(reverse("petitions:detail", args=[petition.pk]))


def test_the_panel_shows_the_lead_and_supporting_units_and_the_supporting_unit_may_only_add_opinions(
    client, scene, org, people
):
    petition = scene.drive("accepted")
    scene.do(petition, "set_co_handlers", people.bureau_handler, "2026-03-06", lead_unit=org.qingbo_unit,
             supporting_units=[org.housing, org.hubin_unit])  # fmt: skip
    response = detail(client, people.department_handler, petition)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd id="lead-unit">清波街道办事处</dd>' in html
    assert '<dd id="supporting-units">上城区住房和城乡建设局、湖滨街道办事处</dd>' in html
    assert 'data-action="add_support_opinion"' in html and 'data-action="reply"' not in html
    lead = detail(client, people.township_handler, petition).content.decode()
    assert 'data-action="reply"' in lead and 'data-action="add_support_opinion"' not in lead
    assert "确定主办协办单位" in detail(client, people.bureau_handler, petition).content.decode()


def test_settlement_is_recorded_by_the_bureau_and_shown(client, scene, people):
    petition = scene.drive("concluded")
    assert (
        '<dd id="settlement">尚未记录</dd>'
        in detail(client, people.bureau_handler, petition).content.decode()
    )
    url = reverse("workflow:action", args=[petition.pk, "record_settlement"])
    before = snapshot(petition)
    bad = client.post(url, {"expected_version": petition.version, "settlement": "forgotten"})
    assert bad.status_code == 400 and "forgotten 不在可用的选项中" in bad.content.decode()
    assert snapshot(petition) == before
    done = client.post(
        url, {"expected_version": petition.version, "settlement": "agreement", "text": "签订协议"}
    )
    assert done.status_code == 302
    html = detail(client, people.bureau_handler, petition).content.decode()
    assert '<dd id="settlement">协议化解（' in html
    assert 'data-action="record_settlement"' not in html  # recorded once
    # The township that handled it is not offered it: the bureau records it.
    assert (
        'data-action="record_settlement"'
        not in detail(client, people.township_handler, petition).content.decode()
    )


def test_settlement_before_conclusion_is_refused_in_chinese(client, scene, people):
    petition = scene.drive("accepted")
    client.force_login(people.bureau_handler)
    url = reverse("workflow:action", args=[petition.pk, "record_settlement"])
    before = snapshot(petition)
    response = client.post(url, {"expected_version": petition.version, "settlement": "agreement"})
    assert "该事项当前状态为“办理中”，不能记录案结事了。" in response.content.decode()
    assert snapshot(petition) == before


def test_the_supporting_units_to_do_page_and_petition_list_show_the_matter(client, scene, org, people):
    petition = scene.drive("accepted")
    scene.do(petition, "set_co_handlers", people.bureau_handler, "2026-03-06", lead_unit=org.qingbo_unit,
             supporting_units=[org.housing])  # fmt: skip
    client.force_login(people.department_handler)
    todo_page = client.get(reverse("workflow:todo"))
    assert todo_page.status_code == 200
    html = todo_page.content.decode()
    assert petition.registration_number in html and "协办" in html
    listed = client.get(reverse("petitions:list"))
    assert petition.registration_number in listed.content.decode()
    client.force_login(people.other_township_handler)
    assert petition.registration_number not in client.get(reverse("workflow:todo")).content.decode()
