"""The documents table on the petition page at 1,400 px: 未送达 and 已送达 stay on one line, and the registrar
records the transfer notice's delivery with a proof from the table itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.test_accessibility import serious_violations
from xinfang.workflow.services import perform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def one_line(locator) -> bool:
    """A badge on one line is wider than tall; wrapped one character per line it is the reverse."""
    box = locator.bounding_box()
    return box["width"] > box["height"]


def test_the_registrar_records_a_notices_delivery_from_the_documents_table(
    page, log_in, org, people, tmp_path
):
    petition = f.register(people.registrar, summary="清波街道某小区加装电梯纠纷")
    perform(petition, "transfer", people.registrar, to_unit=org.qingbo_unit)
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(people.registrar)
    page.goto(f"/petitions/{petition.pk}/")
    row = page.locator('#workflow-documents tr[data-document="transfer_notice"]')
    pending = row.locator('[data-delivery="pending"]')
    expect(pending).to_have_text("未送达")
    assert one_line(pending)
    delivery = page.locator('#workflow-documents tr[data-delivery-for="transfer_notice"]')
    delivery.locator("summary", has_text="登记转送告知书的送达").click()
    form = delivery.locator("form")
    form.get_by_label("送达方式").select_option(label="直接送达")
    proof = tmp_path / "送达回证.png"
    proof.write_bytes(PNG)
    form.get_by_label("送达凭证").set_input_files(str(proof))
    assert serious_violations(page) == []
    form.get_by_role("button", name="登记送达").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记转送告知书")
    row = page.locator('#workflow-documents tr[data-document="transfer_notice"]')
    delivered = row.locator('[data-delivery="delivered"]')
    expect(delivered).to_have_text("已送达")
    assert one_line(delivered)
    expect(row).to_contain_text("直接送达")
    expect(row.get_by_role("link", name="下载转送告知书的送达凭证")).to_be_visible()
    assert not page.failed_requests, page.failed_requests
