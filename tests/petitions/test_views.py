"""The petition list, detail page and attachment download: scope, masking, pagination, query counts."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.viewtests import (
    ViewAccessChecks,
    assert_not_found_for,
    count_queries,
    get,
)
from xinfang import clock, paging
from xinfang.orgs.models import Role
from xinfang.petitions.identity import mask_id_number, mask_name, mask_phone
from xinfang.petitions.models import Channel, Status
from xinfang.petitions.services import AttachmentInput
from xinfang.workbench import views

LIST_URL = reverse("petitions:list")


@pytest.fixture
def scene(org, people):
    """Two townships, each registering a petition of its own; the county bureau registers one more."""
    qingbo_registrar = f.UserFactory(
        username="qingbo_registrar", unit=org.qingbo_unit, roles=[Role.REGISTRAR]
    )
    hubin_registrar = f.UserFactory(username="hubin_registrar", unit=org.hubin_unit, roles=[Role.REGISTRAR])
    qingbo = f.register(
        qingbo_registrar,
        summary="清波街道老旧小区加装电梯纠纷",
        attachments=[AttachmentInput("现场照片说明.txt", "加装电梯现场情况说明".encode())],
    )
    hubin = f.register(
        hubin_registrar,
        issue_region=org.hubin,
        summary="湖滨街道商铺噪音扰民",
        attachments=[AttachmentInput("噪音记录.txt", "夜间噪音记录".encode())],
    )
    county = f.register(people.registrar, summary="区住建局物业维修资金使用问题")
    return SimpleNamespace(
        qingbo=qingbo,
        hubin=hubin,
        county=county,
        qingbo_registrar=qingbo_registrar,
        hubin_registrar=hubin_registrar,
        qingbo_file=qingbo.attachments.get(),
        hubin_file=hubin.attachments.get(),
    )


def detail_url(petition) -> str:
    return reverse("petitions:detail", args=[petition.pk])


def download_url(attachment) -> str:
    return reverse("petitions:attachment", args=[attachment.petition_id, attachment.pk])


# --- access, through the reusable checks ------------------------------------------------------------------


class TestListAccess(ViewAccessChecks):
    max_queries = 12
    outsider_status = 200  # the list answers, without the other township's rows

    @pytest.fixture
    def url(self, scene):
        return LIST_URL

    @pytest.fixture
    def allowed_user(self, people):
        return people.township_handler

    @pytest.fixture
    def outsider(self, people):
        return people.other_township_handler

    @pytest.fixture
    def hidden_text(self, scene):
        return scene.qingbo.registration_number


class TestDetailAccess(ViewAccessChecks):
    # 12, one for the leaders panel (whether the petition has any session, ownership or 阅批 at all) and one
    # for the outcomes panel (its lead and supporting units).
    max_queries = 14

    @pytest.fixture
    def url(self, scene):
        return detail_url(scene.qingbo)

    @pytest.fixture
    def allowed_user(self, people):
        return people.township_handler

    @pytest.fixture
    def outsider(self, people):
        return people.other_township_handler


class TestDownloadAccess(ViewAccessChecks):
    max_queries = 6

    @pytest.fixture
    def url(self, scene):
        return download_url(scene.qingbo_file)

    @pytest.fixture
    def allowed_user(self, people):
        return people.township_handler

    @pytest.fixture
    def outsider(self, people):
        return people.other_township_handler


def test_a_township_cannot_reach_another_townships_petition_by_list_url_or_download(client, scene, people):
    hubin_user = people.other_township_handler
    listed = get(client, LIST_URL, hubin_user).content.decode()
    assert scene.hubin.registration_number in listed
    assert scene.qingbo.registration_number not in listed
    assert scene.county.registration_number not in listed

    searched = get(client, f"{LIST_URL}?q={scene.qingbo.registration_number}", hubin_user)
    assert searched.context["total"] == 0
    assert detail_url(scene.qingbo) not in searched.content.decode()

    assert_not_found_for(client, detail_url(scene.qingbo), hubin_user)
    assert_not_found_for(client, download_url(scene.qingbo_file), hubin_user)
    # The other township's attachment id under one's own petition is no way round either.
    url = reverse("petitions:attachment", args=[scene.hubin.pk, scene.qingbo_file.pk])
    assert_not_found_for(client, url, hubin_user)


def test_missing_and_not_yours_answer_the_same_404(client, scene, people):
    not_yours = get(client, detail_url(scene.qingbo), people.other_township_handler)
    missing = get(client, reverse("petitions:detail", args=[999999]), people.other_township_handler)
    assert not_yours.status_code == missing.status_code == 404
    token = re.compile(r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub("", not_yours.content.decode()) == token.sub("", missing.content.decode())


def test_the_county_bureau_sees_every_township(client, scene, people):
    listed = get(client, LIST_URL, people.bureau_leader).content.decode()
    for petition in (scene.qingbo, scene.hubin, scene.county):
        assert petition.registration_number in listed
    assert '共 <strong id="petition-total">3</strong> 件' in listed


def test_another_county_sees_none_of_them(client, scene, people):
    response = get(client, LIST_URL, people.other_county_registrar)
    assert '共 <strong id="petition-total">0</strong> 件' in response.content.decode()
    assert_not_found_for(client, detail_url(scene.county), people.other_county_registrar)


# --- list: columns, masking, filters --------------------------------------------------------------------


def test_list_shows_the_columns_in_chinese(client, scene, people):
    html = get(client, LIST_URL, people.registrar).content.decode()
    for heading in ("登记编号", "收到时间", "信访形式", "信访人", "事项摘要", "内容分类", "状态", "责任单位"):
        assert f'<th scope="col">{heading}</th>' in html
    assert "来信" in html and "城乡建设/征收拆迁" in html and "已登记" in html


def test_petitioner_names_are_masked_unless_the_role_needs_identity(client, org, people):
    petition = f.register(people.registrar)
    name = petition.principal.name
    assert name in get(client, LIST_URL, people.registrar).content.decode()
    leader_view = get(client, LIST_URL, people.bureau_leader).content.decode()
    assert name not in leader_view
    assert mask_name(name) in leader_view


def test_confidential_identity_is_shown_only_to_handling_staff(client, org, people):
    petition = f.register(people.registrar, identity_confidential=True)
    name = petition.principal.name
    # A list never unmasks a protected identity (petitions.masking), not even for handling staff ...
    own_view = get(client, LIST_URL, people.registrar).content.decode()
    assert name not in own_view and mask_name(name) in own_view
    # ... whose detail page shows it when asked (显示身份信息; the disclosure is recorded).
    detail_url = reverse("petitions:detail", args=[petition.pk])
    assert name not in get(client, detail_url, people.registrar).content.decode()
    assert name in client.get(detail_url, {"identity": "show"}).content.decode()
    # The city bureau's registrar sees the county's petitions, but does not handle this one.
    city_view = get(client, LIST_URL, people.city_registrar).content.decode()
    assert petition.registration_number in city_view
    assert name not in city_view
    assert mask_name(name) in city_view


def test_list_filters(client, org, people, frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 10, 9, 0))
    letter = f.register(
        people.registrar, received_at=clock.now() - dt.timedelta(days=5), summary="拖欠工资甲"
    )
    visit = f.register(
        people.registrar,
        channel=Channel.VISIT,
        received_at=clock.now() - dt.timedelta(hours=2),
        category=f.category("劳动和社会保障/拖欠工资"),
        summary="征收补偿乙",
    )
    top_only = f.register(people.registrar, category=f.category("城乡建设"), summary="城建丙")

    def listed(query: str) -> set[str]:
        html = get(client, f"{LIST_URL}?{query}", people.registrar).content.decode()
        return {p.registration_number for p in (letter, visit, top_only) if p.registration_number in html}

    assert listed("channel=visit") == {visit.registration_number}
    assert listed("status=registered") == {p.registration_number for p in (letter, visit, top_only)}
    assert listed("status=accepted") == set()
    wages = f.category("劳动和社会保障")
    assert listed(f"category={wages.pk}") == {visit.registration_number}
    town = f.category("城乡建设")
    assert listed(f"category={town.pk}") == {letter.registration_number, top_only.registration_number}
    assert listed("received_from=2026-03-10&received_to=2026-03-10") == {
        visit.registration_number,
        top_only.registration_number,
    }
    assert listed("received_to=2026-03-05") == {letter.registration_number}
    assert listed("q=补偿乙") == {visit.registration_number}
    assert listed(f"q={letter.registration_number.lower()}") == {letter.registration_number}
    assert listed(f"receiving_unit={org.bureau.pk}") == {
        p.registration_number for p in (letter, visit, top_only)
    }
    assert listed(f"responsible_unit={org.housing.pk}") == set()


def test_a_city_list_searches_its_units_and_still_filters_by_them(client, scene, org, people):
    html = get(client, LIST_URL, people.city_registrar).content.decode()
    assert html.count(f'data-unit-search="{reverse("petitions:units")}"') == 2
    # The city's own units are listed (a page without JavaScript); the counties' are searched.
    assert ">杭州市信访局</option>" in html and ">湖滨街道办事处</option>" not in html
    html = get(
        client, f"{LIST_URL}?receiving_unit={org.hubin_unit.pk}", people.city_registrar
    ).content.decode()
    assert scene.hubin.registration_number in html and scene.qingbo.registration_number not in html
    assert f'<option value="{org.hubin_unit.pk}" selected>湖滨街道办事处</option>' in html
    # A county's list keeps its plain selects with every unit.
    html = get(client, LIST_URL, people.registrar).content.decode()
    assert "data-unit-search" not in html and html.count(">湖滨街道办事处</option>") == 2


def test_the_list_unit_search_answers_from_the_bureaus_area(client, org, people):
    url = reverse("petitions:units")
    client.force_login(people.city_registrar)
    assert client.get(url, {"q": "湖滨"}).json()["results"] == [
        {"id": org.hubin_unit.pk, "label": "湖滨街道办事处"}
    ]
    client.force_login(people.other_county_registrar)  # 拱墅区: 上城区's units are outside its area
    assert client.get(url, {"q": "湖滨"}).json() == {"results": [], "more": False}
    response = client.get(url, {"q": "湖" * 41})
    assert response.status_code == 400 and "单位名称或代码" in response.json()["error"]


def test_an_impossible_date_range_is_reported(client, people):
    html = get(client, f"{LIST_URL}?received_from=2026-03-10&received_to=2026-03-01", people.registrar)
    assert "截止日期不能早于起始日期。" in html.content.decode()


def test_htmx_filter_requests_get_the_table_only(client, scene, people):
    client.force_login(people.registrar)
    response = client.get(f"{LIST_URL}?channel=letter", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<table" in html
    assert scene.county.registration_number in html


# --- list: keyset pagination and query counts -----------------------------------------------------------


def test_keyset_pages_walk_forward_and_back_without_offset(client, people, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    base = clock.now() - dt.timedelta(days=1)
    # Two petitions share a received time, so the id breaks the tie.
    times = [base - dt.timedelta(hours=h) for h in (0, 1, 1, 2, 3, 4, 5)]
    petitions = [f.register(people.registrar, received_at=t) for t in times]
    expected = [
        p.registration_number for p in sorted(petitions, key=lambda p: (p.received_at, p.pk), reverse=True)
    ]
    client.force_login(people.registrar)

    seen, url, pages = [], LIST_URL + "?channel=letter", []
    while url:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert not any("OFFSET" in q["sql"].upper() for q in ctx.captured_queries)
        page = response.context["page"]
        pages.append([p.registration_number for p in page.rows])
        seen += pages[-1]
        assert response.context["total"] == 7
        url = f"{LIST_URL}?{response.context['next_query']}" if page.next_cursor else None
        if url:
            assert "channel=letter" in url  # the filters travel with the cursor
    assert seen == expected
    assert [len(p) for p in pages] == [3, 3, 1]

    # From the last page, "上一页" returns to the second.
    back = client.get(f"{LIST_URL}?{response.context['prev_query']}")
    assert [p.registration_number for p in back.context["page"].rows] == pages[1]
    assert "下一页" in back.content.decode() and "上一页" in back.content.decode()


def test_a_bad_cursor_means_the_first_page(client, scene, people):
    response = get(client, f"{LIST_URL}?after=not-a-cursor", people.registrar)
    assert response.status_code == 200
    assert len(response.context["page"].rows) == 3


def test_cursor_round_trip():
    instant = dt.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=clock.SHANGHAI)
    assert paging.decode_cursor(paging.encode_cursor(instant, 42)) == (instant, 42)
    assert paging.decode_cursor("") is None
    assert paging.decode_cursor("bm8tcGlwZQ") is None  # "no-pipe"


def _register_many(registrar, n: int) -> None:
    for i in range(n):
        extra = [f.person()] if i % 3 == 0 else []
        f.register(registrar, parties=[f.person(), *extra])


@pytest.mark.parametrize("user_name", ["registrar", "township_handler"])
def test_list_query_count_does_not_grow_with_rows(client, org, people, user_name):
    user = getattr(people, user_name)
    registrar = people.registrar
    if user_name == "township_handler":
        registrar = f.UserFactory(username="qingbo_registrar", unit=org.qingbo_unit, roles=[Role.REGISTRAR])
    _register_many(registrar, 5)
    response, few = count_queries(client, LIST_URL, user)
    assert len(response.context["page"].rows) == 5
    _register_many(registrar, 45)
    response, many = count_queries(client, LIST_URL, user)
    assert len(response.context["page"].rows) == 50
    assert few == many
    assert many <= 12


# --- detail -------------------------------------------------------------------------------------------------


def test_detail_shows_registration_fields_parties_attachments_and_history(client, scene, people):
    html = get(client, detail_url(scene.qingbo), people.township_handler).content.decode()
    assert scene.qingbo.registration_number in html
    for text in (
        "清波街道老旧小区加装电梯纠纷",
        "申诉求决类",
        "城乡建设/征收拆迁",
        "清波街道办事处",
        "已登记",
    ):
        assert text in html
    assert "现场照片说明.txt" in html
    assert download_url(scene.qingbo_file) in html
    # History, oldest first, with Chinese action labels and the actor.
    history = html[html.index('id="history"') :]
    assert history.index("登记") < history.index("添加信访人") < history.index("上传附件")
    assert str(scene.qingbo_registrar) in history
    # The workflow engineer's region is present.
    assert 'id="petition-actions"' in html


def test_detail_masks_identity_per_role(client, people):
    petition = f.register(people.registrar)
    person = petition.principal
    registrar_view = get(client, detail_url(petition), people.registrar).content.decode()
    assert person.id_number in registrar_view and person.phone in registrar_view

    leader_view = get(client, detail_url(petition), people.bureau_leader).content.decode()
    assert person.id_number not in leader_view and person.phone not in leader_view
    assert mask_id_number(person.id_number) in leader_view
    assert mask_phone(person.phone) in leader_view
    assert person.address not in leader_view
    assert "身份信息已部分隐藏" in leader_view


def test_detail_hides_a_confidential_identity_from_staff_who_do_not_handle_it(client, people):
    petition = f.register(people.registrar, identity_confidential=True)
    person = petition.principal
    city_view = get(client, detail_url(petition), people.city_registrar).content.decode()
    assert person.name not in city_view.split("办理记录")[0]
    assert person.id_number not in city_view
    assert "身份保密" in city_view


def test_accusations_are_invisible_to_the_accused_unit(client, org, people):
    from xinfang.petitions.models import PetitionClass

    petition = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        subject_unit=org.housing,
        summary="举报某局",
    )
    # Even were it sent there, the accused unit cannot open it (selectors exclude it).
    assert_not_found_for(client, detail_url(petition), people.department_handler)
    assert "举报某局" not in get(client, LIST_URL, people.department_leader).content.decode()


def test_status_badges_follow_the_status(client, people):
    f.register(people.registrar)
    html = get(client, LIST_URL, people.registrar).content.decode()
    assert f'<span class="badge text-bg-secondary">{Status.REGISTERED.label}</span>' in html


# --- download -----------------------------------------------------------------------------------------------


def test_download_serves_the_original_name_and_type(client, scene, people):
    client.force_login(people.township_handler)
    response = client.get(download_url(scene.qingbo_file))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "attachment;" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Chinese name, RFC 5987-encoded
    assert b"".join(response.streaming_content) == "加装电梯现场情况说明".encode()


def test_download_of_a_file_missing_from_storage_is_404(client, scene, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    client.force_login(people.township_handler)
    assert client.get(download_url(scene.qingbo_file)).status_code == 404


def test_list_count_is_capped_for_huge_lists(client, people, monkeypatch):
    for _ in range(3):
        f.register(people.registrar)
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 2)
    client.force_login(people.registrar)
    response = client.get("/petitions/")
    assert response.context["total"] == 2
    assert response.context["total_capped"] is True
    assert 'id="petition-total">2+</strong>' in response.content.decode()
