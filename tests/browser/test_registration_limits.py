"""The workbench registration form counts text against its limits and never cuts it (issue 13, item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.test_intake import fill_matter, fill_party
from xinfang.petitions.identity import make_id_number
from xinfang.petitions.models import Petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_registrar_sees_the_count_fixes_the_overflow_and_registers(page, shoot, log_in, org, people):
    log_in(people.registrar)
    page.goto("/petitions/register/letter/")
    fill_party(
        page,
        0,
        name="陈建国",
        id_number=make_id_number("330102", dt.date(1968, 4, 12), 7),
        phone="13800001111",
        role="principal",
    )
    fill_matter(page, "摘" * 210)
    summary = page.locator("#id_summary")
    assert len(summary.input_value()) == 210  # pasted text is kept whole
    counter = page.locator("#id_summary_counter")
    expect(counter).to_contain_text("已输入 210/200")
    expect(counter).to_contain_text("已超出10字，请删减后再提交。")
    expect(page.locator("#id_content_counter")).to_contain_text("/20000")
    shoot("summary-over-the-limit")

    page.get_by_role("button", name="提交登记").click()
    expect(page.locator("#id_summary_error")).to_contain_text("事项摘要不超过200字（现有210字）")
    assert len(page.locator("#id_summary").input_value()) == 210  # the form came back filled in
    assert not Petition.objects.exists()

    page.get_by_role("button", name="+ 添加信访人").click()
    expect(page.locator("#id_parties-1-name_counter")).to_contain_text("已输入 0/50")  # added rows count too
    page.locator("#id_summary").fill("反映房屋征收补偿标准过低")
    expect(page.locator("#id_summary_counter")).to_have_text("已输入 12/200")
    page.get_by_role("button", name="提交登记").click()
    expect(page.locator("#registration-receipt")).to_be_visible()
    assert Petition.objects.get().summary == "反映房屋征收补偿标准过低"
    shoot("registered")
