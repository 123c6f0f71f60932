"""The portal's filing limits count filings only, and a refusal keeps the form filled in and says when to retry;
text limits are refused with the count, never cut."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories as f
from tests.portal.conftest import PNG, filing_data, identity, upload
from xinfang.petitions.models import Petition
from xinfang.portal import config

pytestmark = pytest.mark.django_db

TYPED = "请求依法重新评估房屋征收补偿"


def post(client, **overrides):
    return client.post("/portal/file/", filing_data(f.category(), **overrides))


def test_only_filings_count_and_the_refusal_keeps_the_form_and_says_when(client, portal, now, settings):
    settings.XF_PORTAL_LIMITS = {"file_ip": (2, 3600)}
    for _ in range(5):  # validation errors, "添加联名人" and page views do not count
        assert post(client, name="").status_code == 200
        assert post(client, add_co_petitioner="1").status_code == 200
        assert client.get("/portal/file/").status_code == 200
    assert post(client).status_code == 302
    now("2026-03-02 09:40")
    assert post(client, **identity(2)).status_code == 302

    now("2026-03-02 09:50")
    response = post(client, **identity(3), facts="本人房屋被征收，补偿过低。\r\n请求重新评估。")
    page = response.content.decode()
    assert response.status_code == 429
    assert "从本网络地址提交的信访事项已达上限（1小时内2件）" in page
    assert "请于 2026年3月2日 10:30 后再点击“提交信访事项”" in page  # the first filing slides out at 10:30
    # Filled in, not a bare page: everything typed is still there.
    assert f'value="{TYPED}"' in page and f'value="{identity(3)["id_number"]}"' in page
    assert "补偿过低。\r\n请求重新评估。</textarea>" in page
    assert 'name="form_token"' in page and "提交信访事项</button>" in page
    assert Petition.objects.count() == 2

    now("2026-03-02 10:30")
    assert post(client, **identity(3)).status_code == 302


def test_the_phone_limit_names_the_phone_and_the_time(portal, now, settings, filed):
    settings.XF_PORTAL_LIMITS = {"file_phone": (1, 86400)}
    filed()
    response = Client().post("/portal/file/", filing_data(f.category()))
    page = response.content.decode()
    assert response.status_code == 429
    assert "该手机号码提交的信访事项已达上限（24小时内1件）" in page
    assert "2026年3月3日 09:30" in page
    assert Petition.objects.count() == 1


def test_a_refusal_names_the_attachments_to_choose_again(client, portal, now, settings):
    settings.XF_PORTAL_LIMITS = {"file_ip": (1, 3600)}
    assert post(client).status_code == 302
    response = post(client, **identity(2), attachments=[upload("现场照片.png", PNG)])
    page = response.content.decode()
    assert response.status_code == 429
    assert "附件不能随表单保留，请重新选择：现场照片.png" in page
    assert Petition.objects.count() == 1


def test_a_validation_error_names_the_attachments_to_choose_again(client, portal, now):
    response = post(client, name="", attachments=[upload("现场照片.png", PNG)])
    assert response.status_code == 200
    assert "您刚才选择的附件需要重新选择后再提交：现场照片.png" in response.content.decode()


def test_a_double_submit_after_the_last_allowed_filing_shows_the_receipt(client, portal, now, settings):
    settings.XF_PORTAL_LIMITS = {"file_ip": (1, 3600)}
    assert post(client, form_token="tok-1234567890").status_code == 302
    again = post(client, form_token="tok-1234567890")
    assert again.status_code == 302 and again["Location"] == "/portal/file/done/"
    assert Petition.objects.count() == 1
    assert post(client, **identity(2), form_token="tok-other").status_code == 429


def test_the_default_limits_let_a_kiosk_file_a_morning(client, portal, now, settings):
    """A reception-hall kiosk behind one address: a filing every six minutes from 08:30 to 12:00 (35)."""
    assert config.limit("file_ip").count >= 35
    for n in range(35):
        minutes = 8 * 60 + 30 + 6 * n
        now(f"2026-03-02 {minutes // 60:02d}:{minutes % 60:02d}")
        assert post(client, **identity(10 + n)).status_code == 302, n
    assert Petition.objects.count() == 35


@pytest.mark.parametrize(
    ("field", "limit", "label"),
    [
        ("request_text", 200, "您的诉求"),
        ("facts", 5000, "事实和理由"),
        ("address", 200, "联系地址"),
        ("subject", 100, "被反映的单位或人员"),
        ("name", 50, "姓名"),
    ],
)
def test_over_limit_text_is_refused_with_the_count_and_kept(client, portal, now, field, limit, label):
    text = "长" * (limit + 3)
    response = post(client, **{field: text})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{label}不超过{limit}字（现有{limit + 3}字）" in page
    assert text in page  # the whole text comes back, not a cut one
    assert not Petition.objects.exists()


def test_limited_fields_carry_a_counter_and_no_maxlength(client, portal, now):
    page = client.get("/portal/file/").content.decode()
    assert "maxlength" not in page
    for name, limit in (("request_text", 200), ("facts", 5000), ("address", 200), ("name", 50)):
        tag = re.search(rf'<(input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)
        assert f'data-xf-limit="{limit}"' in tag, tag
    assert "xinfang/limits.js" in page
    # Co-signers are added on the page from a template row; the old button stays for browsers without JS.
    assert '<template id="co-empty-form">' in page and 'name="co-__prefix__-name"' in page
    assert 'name="add_co_petitioner"' in page


def test_a_line_break_counts_as_one_character(client, portal, now):
    text = "长\r\n" * 2500  # 5000 characters as the page counts them, 7500 bytes as CR LF on the wire
    response = post(client, facts=text[:-2])
    assert response.status_code == 302
