"""A registrar at the county bureau registers petitions through the workbench, as a person would."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from xinfang.orgs.models import Region
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import Category, PartyRole, Petition
from xinfang.petitions.services import PartyInput

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUERY_CODE = re.compile(r"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$")


def bootstrap_is_applied(page) -> bool:
    # Bootstrap makes the navbar a flex container; the browser's default for <nav> is block.
    return page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"


def fill_party(page, index: int, *, name: str, id_number: str, phone: str, role: str) -> None:
    page.locator(f"#id_parties-{index}-name").fill(name)
    page.locator(f"#id_parties-{index}-id_number").fill(id_number)
    page.locator(f"#id_parties-{index}-phone").fill(phone)
    page.locator(f"#id_parties-{index}-role").select_option(role)


def fill_matter(page, summary: str) -> None:
    page.get_by_label("申诉求决类").check()
    page.locator("#id_category").select_option(str(Category.objects.get(path="城乡建设/征收拆迁").pk))
    page.locator("#id_issue_region").select_option(str(Region.objects.get(code="330102001").pk))
    page.locator("#id_summary").fill(summary)
    page.locator("#id_content").fill(
        "我们是清波街道某小区的住户，征收补偿标准低于周边项目，请求依法重新评估。"
    )


def test_registrar_registers_a_collective_visit_and_finds_it_in_the_list(page, shoot, log_in, org, people):
    # The first representative petitioned before: the repeat check should find it while typing.
    first_id = make_id_number("330102", dt.date(1968, 4, 12), 101)
    earlier = f.register(people.registrar, parties=[PartyInput("陈建国", first_id, "13800001111")])

    page.goto("/login/")
    assert bootstrap_is_applied(page)
    shoot("login")
    log_in(people.registrar)
    shoot("list")

    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_role("link", name="来访登记（个访/集体访）").click()
    expect(page.get_by_role("heading", name="来访登记")).to_be_visible()

    page.locator("#id_visit_level").select_option("county")
    page.locator("#id_person_count").fill("6")
    page.get_by_label("集体访").check()

    fill_party(page, 0, name="陈建国", id_number=first_id, phone="13800001111", role=PartyRole.REPRESENTATIVE)
    earlier_panel = page.locator("#earlier-petitions")
    expect(earlier_panel).to_contain_text(earlier.registration_number)
    shoot("repeat-check")
    earlier_panel.get_by_role("button", name="关联为重复件").click()
    expect(page.locator("#repeat-of-display")).to_contain_text(earlier.registration_number)

    page.get_by_role("button", name="+ 添加信访人").click()
    fill_party(
        page,
        1,
        name="刘秀英",
        id_number=make_id_number("330102", dt.date(1972, 9, 3), 202),
        phone="13800002222",
        role=PartyRole.REPRESENTATIVE,
    )
    page.get_by_role("button", name="+ 添加信访人").click()
    fill_party(
        page,
        2,
        name="王志强",
        id_number=make_id_number("330102", dt.date(1980, 1, 20), 303),
        phone="13800003333",
        role=PartyRole.CO_PETITIONER,
    )
    fill_matter(page, "清波街道某小区六户居民集体反映征收补偿问题")
    shoot("form-filled")
    page.get_by_role("button", name="提交登记").click()

    receipt = page.locator("#registration-receipt")
    expect(receipt).to_contain_text("登记成功")
    petition = Petition.objects.exclude(pk=earlier.pk).get()
    expect(page.locator("#receipt-number")).to_have_text(petition.registration_number)
    query_code = page.locator("#receipt-query-code").inner_text().strip()
    assert QUERY_CODE.match(query_code), query_code
    shoot("registered")
    # Printing shows the slip (回执) alone: the registrar hands it to the petitioner.
    page.emulate_media(media="print")
    expect(page.locator(".xf-slip")).to_be_visible()
    expect(page.locator(".xf-slip")).to_contain_text(query_code)
    expect(page.locator("#registration-receipt")).to_be_hidden()
    expect(page.locator("header")).to_be_hidden()
    shoot("slip-printed")
    page.emulate_media(media="screen")

    assert petition.is_collective and petition.person_count == 6
    assert petition.repeat_of == earlier
    assert [(p.petitioner.name, p.role) for p in petition.parties.select_related("petitioner")] == [
        ("陈建国", PartyRole.REPRESENTATIVE),
        ("刘秀英", PartyRole.REPRESENTATIVE),
        ("王志强", PartyRole.CO_PETITIONER),
    ]

    page.get_by_role("link", name="信访事项", exact=True).click()
    expect(page.locator("#petition-total")).to_have_text("2")
    page.get_by_label("关键词（姓名、电话、身份证号、登记编号、事项内容）").fill(petition.registration_number)
    expect(page.locator("#petition-total")).to_have_text("1")  # the htmx partial replaced the table
    row = page.locator("#petition-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(petition.registration_number)
    expect(row).to_contain_text("集体")
    assert "q=" in page.url  # the filter is in the address, so the list can be shared and reloaded
    shoot("found-in-list")

    assert not page.failed_requests, page.failed_requests


def test_an_invalid_id_number_is_shown_next_to_the_field_and_nothing_is_registered(
    page, shoot, log_in, people
):
    log_in(people.registrar)
    page.goto("/petitions/register/letter/")
    fill_party(
        page, 0, name="赵丽", id_number="110101199001011234", phone="13800004444", role=PartyRole.PRINCIPAL
    )
    fill_matter(page, "反映小区物业收费问题")
    page.get_by_role("button", name="提交登记").click()

    error = page.locator("#id_parties-0-id_number_error")
    expect(error).to_have_text("身份证号码校验位错误，请核对。")
    expect(page.locator("#id_parties-0-id_number")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#form-errors")).to_contain_text("登记未保存")
    # What was typed is kept, so the registrar only fixes the one field.
    expect(page.locator("#id_summary")).to_have_value("反映小区物业收费问题")
    shoot("id-number-error")
    assert not Petition.objects.exists()
    assert not page.failed_requests, page.failed_requests
