"""Filing a petition online: the form, the confirmation, and every refusal writing nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f
from tests.portal.conftest import PNG, filing_data, identity, upload
from xinfang.audit.models import Event
from xinfang.deadlines.services import compute_due
from xinfang.notifications.models import SmsMessage
from xinfang.petitions.models import Attachment, Channel, PartyRole, Petition, Petitioner, Status
from xinfang.petitions.services import hash_query_code
from xinfang.portal.models import PortalSettings

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not Petition.objects.exists() and not Petitioner.objects.exists() and not Event.objects.exists()


def post(client, **overrides):
    return client.post("/portal/file/", filing_data(f.category(), **overrides))


def test_form_shows_identity_matter_place_and_files(client, portal, now):
    response = client.get("/portal/file/")
    page = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for text in (
        "身份证号码",
        "手机号码",
        "您的诉求",
        "事实和理由",
        "问题分类",
        "证明材料",
        "联名信访人",
        "csrfmiddlewaretoken",
    ):
        assert text in page
    # The region picker: the bureau's townships, and villages whose codes start with their township's.
    assert '<option value="330102001">清波街道</option>' in page
    assert '<option value="330102001001">南山社区</option>' in page
    assert "拱墅区" not in page  # another county's regions are not offered


def test_filing_registers_an_online_petition_at_the_portal_bureau(client, portal, now, filed):
    result = filed()
    petition = result.petition
    assert petition.channel == Channel.ONLINE
    assert petition.status == Status.REGISTERED
    assert petition.receiving_unit == portal.unit
    assert petition.registered_by is None
    assert petition.issue_region.code == "330102001001"
    assert petition.summary == "请求依法重新评估房屋征收补偿"
    assert petition.content.startswith("诉求：请求依法重新评估房屋征收补偿\n\n事实和理由：\n本人房屋")
    assert petition.query_code_hash == hash_query_code(result.code)
    register = Event.objects.get(petition=petition, action="register")
    assert register.ip_address == "127.0.0.1"
    assert register.actor is None


def test_confirmation_shows_number_code_and_the_routing_date(client, portal, now, filed):
    result = filed()
    response = client.get("/portal/file/done/")
    page = response.content.decode()
    assert result.petition.registration_number in page
    assert result.code in page and len(result.code) == 14  # XXXX-XXXX-XXXX
    due = compute_due("route", result.petition.received_at.date()).due
    assert due.isoformat() == "2026-03-17"  # 15 calendar days after 2026-03-02
    assert "2026年3月17日前" in page
    assert "15日内" in page and "60日内" in page
    assert "查看办理进度" in page


def test_the_query_code_is_texted_to_the_petitioner_and_masked_in_the_record(
    client, portal, now, filed, sms_outbox
):
    result = filed()
    [(phone, sent)] = sms_outbox
    assert phone == result.phone
    assert result.code in sent.text
    record = SmsMessage.objects.get()
    assert record.phone == result.phone and record.template == "portal_filed"
    assert result.code not in record.text and "查询码****" in record.text
    assert record.params == {"query_code": "****", "number": result.petition.registration_number}
    assert result.petition.registration_number in record.text


def test_joint_petition_registers_co_petitioners(client, portal, now, filed):
    co = identity(2)
    result = filed(
        **{
            "co-TOTAL_FORMS": "2",
            "co-0-name": co["name"],
            "co-0-id_number": co["id_number"],
            "co-0-phone": co["phone"],
            "co-1-name": "",  # an untouched row is ignored
            "co-1-id_number": "",
            "co-1-phone": "",
        }
    )
    parties = list(result.petition.parties.order_by("position"))
    assert [p.role for p in parties] == [PartyRole.PRINCIPAL, PartyRole.CO_PETITIONER]
    assert parties[1].petitioner.id_number == co["id_number"]
    assert result.petition.person_count == 2


def test_add_co_petitioner_button_adds_a_row_and_writes_nothing(client, portal, now):
    response = post(client, add_co_petitioner="1", **{"co-TOTAL_FORMS": "1", "co-0-name": "李四"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "联名人 2" in page and 'value="李四"' in page
    assert 'value="请求依法重新评估房屋征收补偿"' in page  # what was typed stays
    assert 'class="pt-error"' not in page and "填写的内容有误" not in page  # not validated yet
    assert nothing_written()


def test_attachments_are_stored_through_the_intake_service(client, portal, now, filed):
    result = filed(attachments=[upload("现场照片.png", PNG)])
    attachment = Attachment.objects.get(petition=result.petition)
    assert attachment.original_name == "现场照片.png"
    assert attachment.content_type == "image/png"
    assert attachment.uploaded_by is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": "330102197001010000"}, "身份证号码校验位错误"),
        ({"id_number": "12345"}, "身份证号码应为18位"),
        ({"phone": "12345"}, "联系电话格式不正确"),
        ({"name": ""}, "请填写您的姓名"),
        ({"request_text": ""}, "请填写您的诉求"),
        ({"facts": "   "}, "请填写事实和理由"),
        ({"facts": "长" * 5001}, "事实和理由不超过5000字（现有5001字）"),
        ({"request_text": "长" * 201}, "您的诉求不超过200字（现有201字）"),
        ({"category": ""}, "请选择问题分类"),
        ({"category": "999999"}, "请选择问题分类"),
        ({"township": "", "village": ""}, "请选择问题发生的乡镇(街道)"),
        ({"township": "330105001", "village": ""}, "请选择问题发生的乡镇(街道)"),
        ({"township": "330102002", "village": "330102001001"}, "请选择所选乡镇(街道)下的村(社区)"),
        ({"petition_class": "other"}, "请选择您要反映的事项类型"),
        ({"pledge": ""}, "请确认所反映的情况真实"),
        ({"co-TOTAL_FORMS": "1", "co-0-name": "李四", "co-0-id_number": ""}, "请填写联名人的身份证号码"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    client, portal, now, overrides, message
):
    response = post(client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "填写的内容有误" in response.content.decode()
    assert nothing_written()


def test_the_same_person_twice_is_refused_by_the_service(client, portal, now):
    me = identity(1)
    response = post(client, **{"co-TOTAL_FORMS": "1", "co-0-name": "李四", "co-0-id_number": me["id_number"]})
    assert "同一身份证号码在本次登记中出现了多次" in response.content.decode()
    assert nothing_written()


def test_oversized_attachment_is_refused_before_reading_it(client, portal, now, settings):
    settings.XF_ATTACHMENT_MAX_BYTES = 1024
    response = post(client, attachments=[upload("大文件.pdf", b"%PDF-1.4\n" + b"0" * 4096)])
    assert "超过大小上限" in response.content.decode()
    assert nothing_written() and not Attachment.objects.exists()


def test_disguised_attachment_is_refused(client, portal, now):
    response = post(client, attachments=[upload("照片.jpg", b"MZ\x90\x00" + b"\x00" * 200)])
    page = response.content.decode()
    assert "文件类型不受支持" in page
    assert nothing_written()


def test_attachment_whose_content_does_not_match_its_name_is_refused(client, portal, now):
    response = post(client, attachments=[upload("合同.pdf", PNG)])
    assert "内容与扩展名不符" in response.content.decode()
    assert nothing_written()


def test_too_many_attachments_are_refused(client, portal, now):
    files = [upload(f"照片{i}.png", PNG) for i in range(11)]
    response = post(client, attachments=files)
    assert "附件最多10个" in response.content.decode()
    assert nothing_written()


def test_robots_filling_the_hidden_field_are_refused(client, portal, now):
    response = post(client, website="http://spam.example")
    assert "提交未成功" in response.content.decode()
    assert nothing_written()


def test_script_tags_are_kept_as_text_and_shown_escaped(client, portal, now, filed):
    result = filed(request_text="<script>alert('x')</script>补偿")
    assert result.petition.summary == "<script>alert('x')</script>补偿"
    page = client.get(f"/portal/case/{result.petition.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;补偿" in page


def test_filing_needs_the_csrf_token(portal, now):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/portal/file/", filing_data(f.category()))
    assert response.status_code == 403
    assert nothing_written()


def test_filing_closed_by_the_administrator(client, portal, now):
    PortalSettings(receiving_unit=portal.unit, is_open=False).save()
    response = client.get("/portal/file/")
    assert response.status_code == 503
    assert "网上提交暂未开放" in response.content.decode()
    assert post(client).status_code == 503
    assert nothing_written()


def test_confirmation_page_needs_a_filing_first(client, portal, now):
    assert client.get("/portal/file/done/").status_code == 302
