"""The supervision board and pages: scoped by visible_to, bounded in queries, refusals answered."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests import factories as f
from tests import viewtests
from tests.scenes import day, when
from xinfang.orgs.models import Role
from xinfang.supervision import services
from xinfang.supervision.models import ReasonKind, Supervision, SupervisionStatus

BOARD = reverse("supervision:board")


@pytest.fixture
def no_letters(monkeypatch):
    monkeypatch.setattr(services, "_issue_letter", lambda *args: None)


@pytest.fixture
def two_units(scene, org):
    """One petition at 清波 and one at 湖滨, both transferred on 2026-03-03 (due 2026-03-18), seen on 03-19."""
    qingbo = scene.transferred(summary="清波的事项")
    hubin = scene.transferred(unit=org.hubin_unit, summary="湖滨的事项")
    scene.move(when("2026-03-19 09:00"))
    return qingbo, hubin


def test_a_township_sees_only_its_own_deadlines(client, people, two_units):
    qingbo, hubin = two_units
    client.force_login(people.township_handler)
    page = client.get(BOARD).content.decode()
    assert qingbo.registration_number in page
    assert hubin.registration_number not in page
    assert "红色（超期） 1" in page


def test_the_bureau_sees_both_and_may_supervise(client, people, two_units):
    client.force_login(people.bureau_handler)
    page = client.get(BOARD).content.decode()
    assert all(p.registration_number in page for p in two_units)
    assert "红色（超期） 2" in page
    assert f"{reverse('supervision:open')}?petition={two_units[0].pk}" in page


def test_filters_by_colour_unit_and_stage(client, people, org, two_units, scene):
    qingbo, hubin = two_units
    client.force_login(people.bureau_handler)
    page = client.get(BOARD, {"unit": org.hubin_unit.pk}).content.decode()
    assert hubin.registration_number in page and qingbo.registration_number not in page
    page = client.get(BOARD, {"colour": "yellow"}).content.decode()
    assert qingbo.registration_number not in page
    scene.move(when("2026-03-16 09:00"))
    page = client.get(BOARD, {"colour": "yellow", "stage": "accept"}).content.decode()
    assert qingbo.registration_number in page and hubin.registration_number in page
    page = client.get(BOARD, {"stage": "handle"}).content.decode()
    assert qingbo.registration_number not in page


def test_htmx_gets_the_results_partial(client, people, two_units):
    client.force_login(people.bureau_handler)
    response = client.get(BOARD, {"colour": "red"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and two_units[0].registration_number in page


def test_board_queries_do_not_grow_with_rows(client, people, scene, org):
    scene.transferred()
    scene.move(when("2026-03-19 09:00"))
    _, few = viewtests.count_queries(client, BOARD, people.bureau_handler)
    for _ in range(5):
        scene.transferred(unit=org.housing)
    scene.move(when("2026-03-19 09:00"))
    response, many = viewtests.count_queries(client, BOARD, people.bureau_handler)
    assert response.status_code == 200
    assert many == few
    # 11: two of them read the open ownerships (包案化解时限) and meeting decisions below the list, one the
    # open urgent matters (扬言) above it
    assert many <= 11, many


def test_the_board_needs_a_login(client, db):
    viewtests.assert_login_required(client, BOARD)


@pytest.fixture
def supervision(two_units, people, no_letters):
    return services.open_supervision(
        people.bureau_handler,
        petition=two_units[0],
        reason_kind=ReasonKind.DEADLINE_MISSED,
        text="请立即受理。",
        response_due=day("2026-03-25"),
    )


def test_supervision_detail_access(client, people, supervision):
    url = reverse("supervision:detail", args=[supervision.pk])
    viewtests.assert_view_access(
        client, url, allowed=people.township_handler, outsider=people.other_township_handler, max_queries=12
    )
    viewtests.assert_ok_within(client, url, people.bureau_leader, max_queries=12)


def test_supervision_list_is_scoped(client, people, supervision):
    url = reverse("supervision:list")
    client.force_login(people.township_handler)
    assert "清波街道办事处" in client.get(url).content.decode()
    client.force_login(people.other_township_handler)
    assert "清波街道办事处" not in client.get(url).content.decode()


def test_only_supervisors_reach_the_open_page(client, people, two_units):
    url = f"{reverse('supervision:open')}?petition={two_units[0].pk}"
    viewtests.assert_forbidden_for(client, url, people.township_handler)
    viewtests.assert_forbidden_for(client, url, people.registrar)
    page = viewtests.assert_ok_within(client, url, people.bureau_handler, max_queries=12).content.decode()
    assert two_units[0].registration_number in page


def test_the_open_page_offers_its_default_date_in_iso_form(client, people, two_units):
    """<input type=date> takes only YYYY-MM-DD; the zh-hans default (2026/03/26) is dropped by the browser."""
    client.force_login(people.bureau_handler)
    page = client.get(reverse("supervision:open")).content.decode()
    assert 'type="date" name="response_due" value="2026-03-26"' in page  # seen on 03-19, a week later
    assert "2026/03/26" not in page


def test_the_units_to_supervise_include_the_bureau_itself_first(client, people, org, two_units):
    client.force_login(people.bureau_handler)
    form = client.get(reverse("supervision:open")).context["form"]
    labels = [label for value, label in form.fields["unit"].choices if value != ""]
    assert labels[0] == "上城区信访局（本局）"
    # then by kind (department, township, discipline) and by name in pinyin (hubin before qingbo)
    assert labels[1:] == ["上城区住房和城乡建设局", "湖滨街道办事处", "清波街道办事处", "上城区纪委监委"]
    assert "杭州市信访局" not in labels and "拱墅区信访局" not in labels  # above and beside: not ours


def test_the_bureau_supervises_its_own_office(client, people, org, two_units, no_letters):
    client.force_login(people.bureau_leader)
    response = client.post(
        reverse("supervision:open"),
        {
            "unit": org.bureau.pk,
            "reason_kind": "shirked_or_delayed",
            "text": "请局办理科说明直接受理事项的办理进度。",
            "response_due": "2026-03-26",
        },
    )
    assert response.status_code == 302
    assert Supervision.objects.get().unit == org.bureau


def test_a_unit_outside_the_bureau_is_still_refused(client, people, org, two_units, no_letters):
    client.force_login(people.bureau_leader)
    data = {"reason_kind": "shirked_or_delayed", "text": "x", "response_due": "2026-03-26"}
    response = client.post(reverse("supervision:open"), {**data, "unit": org.city_bureau.pk})
    assert response.status_code == 400 and not Supervision.objects.exists()
    with pytest.raises(PermissionDenied):
        services.open_supervision(
            people.bureau_leader,
            unit=org.other_bureau,
            reason_kind="shirked_or_delayed",
            text="x",
            response_due=day("2026-03-26"),
        )


def test_opening_through_the_page(client, people, org, two_units, no_letters):
    client.force_login(people.bureau_leader)
    response = client.post(
        reverse("supervision:open"),
        {
            "petition": two_units[1].pk,
            "unit": org.hubin_unit.pk,
            "reason_kind": "shirked_or_delayed",
            "text": "请说明未按期受理的原因。",
            "response_due": "2026-03-26",
            "is_listed": "on",
        },
    )
    supervision = Supervision.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "supervision:detail", args=[supervision.pk]
    )
    assert (
        supervision.is_listed and supervision.unit == org.hubin_unit and supervision.petition == two_units[1]
    )


def test_the_open_page_shows_service_refusals(client, people, org, two_units, no_letters):
    client.force_login(people.bureau_leader)
    response = client.post(
        reverse("supervision:open"),
        {
            "petition": two_units[1].pk,
            "unit": org.qingbo_unit.pk,
            "reason_kind": "deadline_missed",
            "text": "x",
            "response_due": "2026-03-26",
        },
    )
    assert response.status_code == 400
    assert "该单位未承办此信访事项" in response.content.decode()
    assert not Supervision.objects.exists()


def test_answering_through_the_page(client, people, supervision):
    url = reverse("supervision:answer", args=[supervision.pk])
    client.force_login(people.other_township_handler)
    assert client.post(url, {"text": "冒名回复"}).status_code == 404
    client.force_login(people.bureau_handler)
    assert client.post(url, {"text": "督办方代答"}).status_code == 403
    client.force_login(people.township_handler)
    response = client.post(url, {"text": "已受理并告知信访人。"})
    assert response.status_code == 302
    supervision.refresh_from_db()
    assert (
        supervision.status == SupervisionStatus.ANSWERED
        and supervision.answered_by == people.township_handler
    )


def test_closing_through_the_page(client, people, supervision):
    url = reverse("supervision:close", args=[supervision.pk])
    client.force_login(people.township_leader)
    assert client.post(url, {"note": ""}).status_code == 403
    client.force_login(people.bureau_leader)
    assert client.post(url, {"note": "已落实"}).status_code == 302
    supervision.refresh_from_db()
    assert supervision.status == SupervisionStatus.CLOSED


def test_the_nav_links_to_the_board_and_messages(client, people, two_units):
    client.force_login(people.township_handler)
    page = client.get(reverse("supervision:list")).content.decode()
    assert f'href="{BOARD}"' in page and "督查督办" in page
    assert reverse("notifications:bell") in page


def test_a_supervision_of_a_unit_without_a_petition_is_listed_for_it(client, people, org, scene):
    scene.move(when("2026-03-19 09:00"))
    services.open_supervision(
        people.bureau_leader,
        unit=org.housing,
        reason_kind=ReasonKind.LEADER_INSTRUCTION,
        text="集中清理积案。",
        response_due=day("2026-04-10"),
    )
    client.force_login(people.department_handler)
    assert (
        "集中清理积案" not in client.get(reverse("supervision:list")).content.decode()
    )  # the list shows no text
    assert "领导批示" in client.get(reverse("supervision:list")).content.decode()


def test_the_accused_unit_never_sees_a_supervision_of_its_accusation(
    client, people, org, scene, leaders, no_letters
):
    petition = scene.transferred(
        unit=org.discipline,
        petition_class="accusation",
        subject_unit=leaders.committee,
        subject_person="某领导",
    )
    scene.move(when("2026-03-19 09:00"))
    services.open_supervision(
        people.bureau_handler,
        petition=petition,
        reason_kind=ReasonKind.DEADLINE_MISSED,
        text="请加快核查。",
        response_due=day("2026-03-25"),
    )
    client.force_login(leaders.secretary)
    assert petition.registration_number not in client.get(reverse("supervision:list")).content.decode()
    client.force_login(people.bureau_leader)
    assert petition.registration_number in client.get(reverse("supervision:list")).content.decode()


# --- the unit filter of a city's or province's board: searched (orgs.picker) --------------------------------


@pytest.fixture
def city_supervisor(org):
    return f.UserFactory(username="city_supervisor", unit=org.city_bureau, roles=[Role.SUPERVISOR])


def test_a_city_board_searches_its_units_instead_of_listing_them(client, org, city_supervisor, two_units):
    client.force_login(city_supervisor)
    page = client.get(BOARD).content.decode()
    assert f'data-unit-search="{reverse("supervision:board_units")}"' in page
    assert all(p.registration_number in page for p in two_units) and "红色（超期） 2" in page
    # The city's own units are listed for a page without JavaScript; the county's are searched.
    assert ">杭州市信访局</option>" in page and ">湖滨街道办事处</option>" not in page
    qingbo, hubin = two_units
    page = client.get(BOARD, {"unit": org.hubin_unit.pk}).content.decode()
    assert hubin.registration_number in page and qingbo.registration_number not in page
    assert f'<option value="{org.hubin_unit.pk}" selected>湖滨街道办事处</option>' in page


def test_the_board_unit_search_answers_from_the_readers_scope(
    client, org, people, city_supervisor, two_units
):
    url = reverse("supervision:board_units")
    client.force_login(city_supervisor)
    found = client.get(url, {"q": "湖滨"}).json()
    assert found == {"results": [{"id": org.hubin_unit.pk, "label": "湖滨街道办事处"}], "more": False}
    assert [r["label"] for r in client.get(url, {"q": "拱墅"}).json()["results"]] == ["拱墅区信访局"]
    # A county's board lists the units with rows on it (the bureau's routing, done lately: green), and
    # searches the same; 住建局 has none.
    client.force_login(people.bureau_handler)
    labels = {r["label"] for r in client.get(url).json()["results"]}
    assert labels == {"上城区信访局", "清波街道办事处", "湖滨街道办事处"}
    assert all(f">{label}</option>" in client.get(BOARD).content.decode() for label in labels)
    assert client.get(url, {"q": "拱墅"}).json()["results"] == []
    response = client.get(url, {"q": "湖\x00滨"})
    assert response.status_code == 400 and "单位名称或代码" in response.json()["error"]
    client.logout()
    assert client.get(url, {"q": "湖滨"}).status_code == 302


def test_a_city_opens_a_supervision_with_the_unit_searched(client, org, people, city_supervisor, two_units):
    qingbo, hubin = two_units
    client.force_login(city_supervisor)
    deadline = qingbo.deadlines.get(stage="accept")
    url = f"{reverse('supervision:open')}?petition={qingbo.pk}&deadline={deadline.pk}"
    page = client.get(url).content.decode()
    assert f'data-unit-search="{reverse("supervision:open_units")}"' in page
    # The deadline's unit is chosen, then the bureau's own level listed (itself first); the rest is searched.
    assert f'<option value="{org.qingbo_unit.pk}" selected>清波街道办事处</option>' in page
    select = page.split('<select name="unit"', 1)[1].split("</select>", 1)[0]
    assert select.index("清波街道办事处") < select.index("杭州市信访局（本局）") and "湖滨" not in select
    units = reverse("supervision:open_units")
    assert client.get(units, {"q": "湖滨"}).json()["results"] == [
        {"id": org.hubin_unit.pk, "label": "湖滨街道办事处"}
    ]
    data = {"petition": hubin.pk, "unit": org.hubin_unit.pk, "reason_kind": "shirked_or_delayed"}
    data |= {"text": "请说明未按期受理的原因。", "response_due": "2026-03-26"}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "_issue_letter", lambda *args: None)
        response = client.post(reverse("supervision:open"), data)
    assert response.status_code == 302 and Supervision.objects.get().unit == org.hubin_unit
    client.force_login(people.township_handler)
    assert client.get(units, {"q": "湖滨"}).status_code == 403
