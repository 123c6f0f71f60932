"""The workbench form of every action: the right persona succeeds; the wrong role is refused with the reason
(403); another unit's user gets 404; a stale form gets 409 and the reload message; a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.petitions.models import Category, CategoryRoute, Status
from xinfang.workflow.transitions import TABLE

from .cases import BY_ACTION, CASES, prepare
from .conftest import snapshot


def action_url(petition, action: str) -> str:
    return reverse("workflow:action", args=[petition.pk, action])


def detail_url(petition) -> str:
    return reverse("petitions:detail", args=[petition.pk])


def test_every_action_of_the_table_has_a_case():
    assert set(BY_ACTION) == set(TABLE)


def post(client, user, petition, action, data, version=None, **extra):
    client.force_login(user)
    body = {"expected_version": petition.version if version is None else version, **data}
    return client.post(action_url(petition, action), body, **extra)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_the_form_shows_the_actions_fields_and_rule(client, scene, case):
    petition, actor, data = prepare(scene, case)
    client.force_login(actor)
    response = client.get(action_url(petition, case.action))
    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert form.rule and form.rule in html
    assert f'name="expected_version" value="{petition.version}"' in html
    for key in data:
        assert f'name="{key}"' in html, key
    assert set(data) <= set(form.fields)
    assert "---------" not in html  # empty choices say 请选择 (inputs.ChineseEmptyChoices)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_the_right_persona_takes_the_action(client, scene, case):
    petition, actor, data = prepare(scene, case)
    version = petition.version
    response = post(client, actor, petition, case.action, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == detail_url(petition)
    petition.refresh_from_db()
    assert petition.version == version + 1
    assert case.expect(petition)
    event = petition.events.filter(action=case.action).get()
    assert event.actor == actor
    page = client.get(response.url).content.decode()
    assert f"已{TABLE[case.action].label}" in page  # the message, with the new state
    assert f"当前状态：{petition.get_status_display()}" in page


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_the_wrong_role_is_refused_with_the_reason_and_nothing_changes(client, scene, case):
    petition, _, data = prepare(scene, case)
    auditor = scene.people.auditor  # sees the county's petitions, may take no action
    before = snapshot(petition)
    response = post(client, auditor, petition, case.action, data)
    assert response.status_code == 403
    assert f"您的角色无权{TABLE[case.action].label}" in response.content.decode()
    assert snapshot(petition) == before
    shown = client.get(action_url(petition, case.action))
    assert shown.status_code == 403 and "您的角色无权" in shown.content.decode()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_a_user_of_another_unit_gets_404_and_nothing_changes(client, scene, case):
    petition, _, data = prepare(scene, case)
    outsider = scene.people.other_county_registrar
    before = snapshot(petition)
    assert post(client, outsider, petition, case.action, data).status_code == 404
    assert client.get(action_url(petition, case.action)).status_code == 404
    assert snapshot(petition) == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.action)
def test_a_stale_form_is_refused_with_409_and_a_reload_link(client, scene, case):
    petition, actor, data = prepare(scene, case)
    before = snapshot(petition)
    response = post(client, actor, petition, case.action, data, version=petition.version - 1)
    assert response.status_code == 409
    html = response.content.decode()
    assert "该信访事项已被他人更新，请刷新后重试" in html
    assert f'href="{detail_url(petition)}"' in html
    assert snapshot(petition) == before


# --- refusals with their reasons, in the form ---------------------------------------------------------------


def test_a_unit_that_may_see_but_not_act_is_refused_403_with_the_unit_rule(client, scene):
    petition = scene.drive("transferred")
    before = snapshot(petition)
    # The bureau sees the petition it transferred, but only the township it went to may accept it.
    response = post(client, scene.people.bureau_handler, petition, "accept", {"track": "ordinary"})
    assert response.status_code == 403
    assert "可以受理" in response.content.decode()
    assert snapshot(petition) == before


def test_the_services_data_refusal_is_shown_next_to_its_field(client, scene):
    petition = scene.drive("replied")  # replied on 2026-04-01
    before = snapshot(petition)
    response = post(
        client,
        scene.people.township_handler,
        petition,
        "deliver",
        {"method": "post", "received_on": "2026-03-20"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["received_on"] == ["收到日期不能早于作出意见的日期。"]
    assert 'id="id_received_on_error"' in response.content.decode()
    assert snapshot(petition) == before


def test_a_state_refusal_is_shown_above_the_form(client, scene):
    petition = scene.drive("accepted")
    before = snapshot(petition)
    # The handler opened the reply form, someone replied meanwhile (same version posted is stale, so post
    # the new version): the state no longer allows it.
    scene.do(petition, "reply", scene.people.township_handler, "2026-04-01", opinion="explain", text="解释")
    response = post(
        client, scene.people.township_handler, petition, "reply", {"opinion": "support", "text": "x"}
    )
    assert response.status_code == 400
    assert "当前状态为“已答复”，不能答复" in response.content.decode()
    assert snapshot(petition)[0] == Status.REPLIED
    assert before[1] + 1 == snapshot(petition)[1]


def test_an_invalid_form_is_400_and_changes_nothing(client, scene):
    petition = scene.drive("accepted")
    before = snapshot(petition)
    # 31 days: the form's own bound (the service has the same rule).
    data = {"days": 31, "reason": "x", "approved_by": scene.people.township_leader.pk}
    response = post(client, scene.people.township_handler, petition, "extend", data)
    assert response.status_code == 400
    assert response.context["form"].errors["days"]
    assert snapshot(petition) == before


def test_extension_approver_must_be_a_leader_of_the_unit(client, scene):
    petition = scene.drive("accepted")
    client.force_login(scene.people.township_handler)
    form = client.get(action_url(petition, "extend")).context["form"]
    assert list(form.fields["approved_by"].queryset) == [scene.people.township_leader]
    assert "延期不超过30日，须经本单位负责人批准（交办事项由交办的信访部门负责人批准）" in form.rule
    # A handler of the unit posted as approver is not a choice.
    data = {"days": 10, "reason": "x", "approved_by": scene.people.township_handler.pk}
    response = post(client, scene.people.township_handler, petition, "extend", data)
    assert response.status_code == 400 and "approved_by" in response.context["form"].errors


def test_an_unknown_action_is_404(client, scene):
    petition = scene.drive("registered")
    client.force_login(scene.people.registrar)
    assert client.get(action_url(petition, "fly_away")).status_code == 404


def test_anonymous_is_sent_to_login(client, scene):
    petition = scene.drive("registered")
    response = client.get(action_url(petition, "transfer"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- sensible choices -------------------------------------------------------------------------------------


def test_routing_units_are_the_bureaus_jurisdiction_without_itself(client, scene):
    petition = scene.drive("registered")
    client.force_login(scene.people.registrar)
    units = set(client.get(action_url(petition, "transfer")).context["form"].fields["to_unit"].queryset)
    org = scene.org
    assert {org.qingbo_unit, org.hubin_unit, org.housing, org.discipline} <= units
    assert org.bureau not in units and org.other_bureau not in units and org.city_bureau not in units


def _to_unit_labels(client, user, petition, action="transfer") -> tuple[list[str], object]:
    client.force_login(user)
    form = client.get(action_url(petition, action)).context["form"]
    field = form.fields["to_unit"]
    return [label for value, label in field.choices if value != ""], form


def test_routing_units_are_listed_by_kind_then_pinyin_name(client, scene):
    petition = scene.drive("registered")
    labels, form = _to_unit_labels(client, scene.people.registrar, petition)
    assert labels == [
        "上城区住房和城乡建设局（职能部门）",
        "湖滨街道办事处（乡镇(街道)）",  # hu before qing
        "清波街道办事处（乡镇(街道)）",
        "上城区纪委监委（纪检监察机关）",
    ]
    assert not any("建议" in label for label in labels) and form.initial.get("to_unit") is None


@pytest.mark.parametrize("action", ["transfer", "assign"])
def test_the_categorys_county_route_is_suggested_first_for_a_township_matter(client, scene, action):
    """Routes are kept per county and per top category; the matter is in 清波街道 under 城乡建设/征收拆迁."""
    org = scene.org
    CategoryRoute.objects.create(
        category=Category.objects.get(path="城乡建设"), region=org.county, unit=org.hubin_unit
    )
    petition = scene.drive("registered")
    labels, form = _to_unit_labels(client, scene.people.registrar, petition, action)
    assert labels[0] == "湖滨街道办事处（乡镇(街道)）【建议】"
    assert labels[1:] == [
        "上城区住房和城乡建设局（职能部门）",
        "清波街道办事处（乡镇(街道)）",
        "上城区纪委监委（纪检监察机关）",
    ]
    assert form.initial["to_unit"] == org.hubin_unit.pk
    assert "默认责任单位为湖滨街道办事处" in form.fields["to_unit"].help_text


def test_the_nearest_route_wins(client, scene):
    org = scene.org
    housing = Category.objects.get(path="城乡建设")
    CategoryRoute.objects.create(category=housing, region=org.county, unit=org.housing)
    CategoryRoute.objects.create(category=housing, region=org.qingbo, unit=org.qingbo_unit)
    CategoryRoute.objects.create(
        category=Category.objects.get(path="城乡建设/征收拆迁"), region=org.county, unit=org.hubin_unit
    )
    petition = scene.drive("registered")  # 清波街道: its own township's route beats the county's
    labels, _ = _to_unit_labels(client, scene.people.registrar, petition)
    assert labels[0] == "清波街道办事处（乡镇(街道)）【建议】"
    elsewhere = scene.petition(issue_region=org.hubin)  # no township route: the subcategory's county route
    labels, _ = _to_unit_labels(client, scene.people.registrar, elsewhere)
    assert labels[0] == "湖滨街道办事处（乡镇(街道)）【建议】"


def test_an_accused_unit_is_never_suggested(client, scene):
    org = scene.org
    CategoryRoute.objects.create(
        category=Category.objects.get(path="城乡建设"), region=org.county, unit=org.housing
    )
    petition = scene.drive("registered", petition_class="accusation", subject_unit=org.housing)
    labels, form = _to_unit_labels(client, scene.people.registrar, petition)
    assert not any("建议" in label or "住房" in label for label in labels)
    assert form.initial.get("to_unit") is None


def test_an_accusations_subject_unit_is_never_offered_nor_accepted(client, scene):
    org = scene.org
    petition = scene.drive("registered", petition_class="accusation", subject_unit=org.housing)
    client.force_login(scene.people.registrar)
    units = set(client.get(action_url(petition, "transfer")).context["form"].fields["to_unit"].queryset)
    assert org.housing not in units and org.discipline in units
    before = snapshot(petition)
    # Posted anyway (a crafted request): not a valid choice.
    response = post(client, scene.people.registrar, petition, "transfer", {"to_unit": org.housing.pk})
    assert response.status_code == 400 and "to_unit" in response.context["form"].errors
    assert snapshot(petition) == before


def test_the_reply_form_offers_other_forms_only_on_the_simplified_track(client, scene):
    petition = scene.drive("accepted")
    client.force_login(scene.people.township_handler)
    assert "form" not in client.get(action_url(petition, "reply")).context["form"].fields
    scene.do(
        petition, "switch_to_simplified", scene.people.township_handler, "2026-03-06", ground="consultation"
    )
    assert "form" in client.get(action_url(petition, "reply")).context["form"].fields


# --- htmx -------------------------------------------------------------------------------------------------


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_htmx_gets_the_form_partial_and_a_client_redirect_on_success(client, scene):
    petition = scene.drive("registered")
    client.force_login(scene.people.registrar)
    partial = client.get(action_url(petition, "transfer"), **HTMX)
    html = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in html and 'hx-post="' in html
    response = post(
        client, scene.people.registrar, petition, "transfer", {"to_unit": scene.org.qingbo_unit.pk}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == detail_url(petition)


def test_htmx_refusal_comes_back_in_the_partial(client, scene):
    petition = scene.drive("registered")
    before = snapshot(petition)
    response = post(
        client,
        scene.people.registrar,
        petition,
        "transfer",
        {"to_unit": scene.org.qingbo_unit.pk},
        version=99,
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only successful responses
    assert "<html" not in html and "该信访事项已被他人更新" in html
    assert snapshot(petition) == before
