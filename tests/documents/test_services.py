"""Issuing every kind of document, numbering, template edits, delivery and the workflow hook."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from tests import factories as f
from xinfang import clock
from xinfang.audit import services as audit
from xinfang.audit.models import Event
from xinfang.documents import services
from xinfang.documents.models import Document, DocumentKind, DocumentTemplate
from xinfang.petitions.models import DeliveryMethod, PetitionClass

from .conftest import (
    docx_paragraphs,
    east_asia_fonts,
    normal_east_asia_font,
    pdf_fonts,
    pdf_text,
    read,
)

# kind → (context given at issue, phrases the document must then contain)
CASES = {
    DocumentKind.ACCEPTANCE_NOTICE: (
        {"due_date": dt.date(2026, 12, 14)},
        ["决定予以受理", "自受理之日起六十日内办结", "2026年12月14日前"],
    ),
    DocumentKind.NON_ACCEPTANCE_NOTICE: (
        {"legal_route": "litigation", "legal_body": "上城区人民法院", "reason": "该事项属于民事合同纠纷。"},
        [
            "经审查，该事项属于民事合同纠纷。该事项",
            "提起诉讼途径解决",
            "请你依法向上城区人民法院提起诉讼",
            "第三十一条",
            "不予受理",
        ],
    ),
    DocumentKind.TRANSFER_NOTICE: ({"to_unit": "QINGBO"}, ["已将该事项转送清波街道办事处办理", "十五日内"]),
    DocumentKind.EXTENSION_NOTICE: (
        {"days": 20, "reason": "涉及多个部门，需要进一步调查核实。", "new_due_on": "2027-01-03"},
        ["因涉及多个部门，需要进一步调查核实，", "延长二十日", "延长至2027年1月3日", "第三十四条"],
    ),
    DocumentKind.HANDLING_OPINION: (
        {"opinion": "not_support", "opinion_text": "经查，补偿标准符合评估结果。\n相关程序合法。"},
        [
            "不予支持",
            "经查，补偿标准符合评估结果。相关程序合法。",
            "三十日内，向杭州市信访局请求复查",
            "第三十二条",
        ],
    ),
    DocumentKind.REVIEW_OPINION: (
        {"opinion": "解释说明", "re_review_unit": "杭州市人民政府", "request_date": dt.date(2026, 10, 1)},
        ["于2026年10月1日向本机关请求复查", "予以解释说明", "向杭州市人民政府请求复核"],
    ),
    DocumentKind.RE_REVIEW_OPINION: (
        {"opinion": "not_support", "hearing_held": True},
        ["举行了听证", "最终处理意见", "第三十六条", "各级机关、单位不再受理"],
    ),
    DocumentKind.NO_REACCEPTANCE_NOTICE: ({}, ["已经办理、复查、复核程序处理终结", "第三十六条", "不再受理"]),
    DocumentKind.SUPERVISION_LETTER: (
        {"to_unit": "QINGBO", "response_date": dt.date(2026, 10, 24)},
        [
            "清波街道办事处：",
            "由你单位负责办理",
            "于2026年10月24日前将办理情况书面报送上城区信访局",
            "特此函告",
        ],
    ),
    DocumentKind.ASSISTANCE_AGREEMENT: (
        {
            "applicant_name": "群众甲",
            "beneficiary_count": 2,
            "assistance_reason": "因病致贫，生活困难。",
            "approver": "李局长",
            "approved_date": dt.date(2026, 10, 9),
            "approval_rule": "第五条",
            "fund_label": "信访救助资金",
            "amount": "5,000.00",
            "amount_words": "伍仟元整",
        },  # fmt: skip
        [
            "甲方（救助单位）：上城区信访局",
            "乙方（受助人）：群众甲（受助2人）",
            "鉴于因病致贫，生活困难，经李局长于2026年10月9日审批（审批依据：第五条）",
            "从信访救助资金中给予乙方一次性救助金人民币5,000.00元（大写：伍仟元整）",
            "不再以同一事实和理由重复信访",
        ],
    ),
}


def _context(kind, org):
    given, expected = CASES[kind]
    units = {"QINGBO": org.qingbo_unit.pk}  # units arrive as primary keys, as audit data stores them
    return {k: units.get(v, v) if isinstance(v, str) else v for k, v in given.items()}, expected


def test_every_kind_has_a_seeded_template_and_a_case(db):
    assert set(DocumentTemplate.objects.values_list("kind", flat=True)) == set(DocumentKind.values)
    assert set(CASES) == set(DocumentKind.values)


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_every_kind_renders_to_a_pdf_with_cjk_fonts_and_a_docx_with_east_asian_fonts(
    kind, petition, people, org
):
    context, expected = _context(kind, org)
    title = DocumentKind(kind).label
    document = services.issue(petition, kind, unit=org.bureau, actor=people.registrar, context=context)

    assert document.title == title
    assert document.issued_at == clock.now()
    assert document.pdf.name.startswith(f"documents/2026/{org.bureau.code}/{kind}-")
    pdf, docx = read(document.pdf), read(document.docx)
    assert pdf.startswith(b"%PDF")
    fonts = {name.replace("-", "") for name in pdf_fonts(pdf)}
    assert any("NotoSerifCJK" in name for name in fonts)
    assert any("NotoSansCJK" in name for name in fonts)
    text = pdf_text(pdf)
    assert title in text
    assert petition.registration_number in text
    assert document.number in text
    assert "2026年10月14日" in text
    for phrase in expected:
        assert phrase in text

    paragraphs = docx_paragraphs(docx)
    title_paragraph = next(p for p in paragraphs if p.text == title)
    assert east_asia_fonts(title_paragraph) == {"Noto Sans CJK SC"}
    assert normal_east_asia_font(docx) == "Noto Serif CJK SC"
    body = "".join(p.text for p in paragraphs)
    assert petition.registration_number in body
    assert document.number in body
    for phrase in expected:
        assert phrase in body
    for paragraph in paragraphs:
        assert east_asia_fonts(paragraph) <= {"Noto Serif CJK SC", "Noto Sans CJK SC"}


def test_issue_stores_files_with_their_hashes_the_context_and_one_audit_row(petition, people, org):
    document = services.issue(
        petition, DocumentKind.ACCEPTANCE_NOTICE, unit=org.bureau, actor=people.registrar
    )
    assert hashlib.sha256(read(document.pdf)).hexdigest() == document.pdf_sha256
    assert hashlib.sha256(read(document.docx)).hexdigest() == document.docx_sha256
    assert document.template_version == 1
    assert document.context["registration_number"] == petition.registration_number
    assert document.context["number"] == document.number
    assert document.context["addressee"] == petition.principal.name
    events = Event.objects.filter(action="issue_document")
    assert events.count() == 1
    event = events.get()
    assert (event.petition, event.actor, event.target_type, event.target_id) == (
        petition,
        people.registrar,
        "document",
        str(document.pk),
    )
    assert event.data["number"] == document.number
    assert event.data["pdf_sha256"] == document.pdf_sha256


def test_numbers_are_sequential_and_unique_per_unit_kind_and_year(petition, people, org):
    numbers = [
        services.issue(
            petition, DocumentKind.ACCEPTANCE_NOTICE, unit=org.bureau, actor=people.registrar
        ).number
        for _ in range(3)
    ]
    assert numbers == [f"上城信访〔2026〕受字第{n}号" for n in (1, 2, 3)]
    transfer = services.issue(petition, DocumentKind.TRANSFER_NOTICE, unit=org.bureau, actor=people.registrar)
    assert transfer.number == "上城信访〔2026〕转字第1号"
    township = services.issue(petition, DocumentKind.ACCEPTANCE_NOTICE, unit=org.qingbo_unit, actor=None)
    assert township.number == "清波街道办事处〔2026〕受字第1号"
    next_year = services.issue(
        petition,
        DocumentKind.ACCEPTANCE_NOTICE,
        unit=org.bureau,
        actor=people.registrar,
        at=dt.datetime(2027, 1, 1, 9, 0, tzinfo=clock.SHANGHAI),
    )
    assert next_year.number == "上城信访〔2027〕受字第1号"
    assert Document.objects.values("number").distinct().count() == Document.objects.count() == 6


def test_a_unit_short_name_is_used_in_the_number(petition, people, org):
    org.qingbo_unit.short_name = "清波街道"
    org.qingbo_unit.save()
    document = services.issue(petition, DocumentKind.ACCEPTANCE_NOTICE, unit=org.qingbo_unit, actor=None)
    assert document.number == "清波街道〔2026〕受字第1号"


def test_an_administrator_edits_a_template_and_the_next_document_follows_it(client, petition, people, org):
    first = services.issue(petition, DocumentKind.ACCEPTANCE_NOTICE, unit=org.bureau, actor=people.registrar)
    template = DocumentTemplate.objects.get(kind=DocumentKind.ACCEPTANCE_NOTICE)
    admin = f.UserFactory(username="admin", is_staff=True, is_superuser=True, roles=[])
    client.force_login(admin)
    url = reverse("admin:documents_documenttemplate_change", args=[template.pk])
    assert client.get(url).status_code == 200
    body = template.body.replace("特此告知。", "特此告知。</p><p>联系电话：0571-87000000。")
    response = client.post(
        url,
        {"name": template.name, "title": template.title, "number_word": template.number_word, "body": body},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    assert template.version == 2
    assert template.updated_by == admin
    edit = Event.objects.get(action="edit_document_template")
    assert edit.actor == admin and "body" in edit.changes and edit.changes["version"] == [1, 2]

    second = services.issue(petition, DocumentKind.ACCEPTANCE_NOTICE, unit=org.bureau, actor=people.registrar)
    assert (first.template_version, second.template_version) == (1, 2)
    assert "联系电话：0571-87000000。" in pdf_text(read(second.pdf))
    assert "联系电话：0571-87000000。" not in pdf_text(read(first.pdf))
    assert any(p.text == "联系电话：0571-87000000。" for p in docx_paragraphs(read(second.docx)))


def test_a_template_that_does_not_compile_or_has_no_title_is_refused_in_the_admin(client, db, org):
    template = DocumentTemplate.objects.get(kind=DocumentKind.SUPERVISION_LETTER)
    client.force_login(f.UserFactory(username="admin", is_staff=True, is_superuser=True, roles=[]))
    url = reverse("admin:documents_documenttemplate_change", args=[template.pk])
    data = {"name": template.name, "title": template.title, "number_word": template.number_word}
    broken = client.post(url, {**data, "body": "<h1>{{ title }}</h1>{% if %}"})
    assert broken.status_code == 200 and "模板语法错误" in broken.content.decode()
    untitled = client.post(url, {**data, "body": "<p>{{ number }}</p>"})
    assert untitled.status_code == 200 and "模板中缺少标题" in untitled.content.decode()
    unchanged = client.post(url, {**data, "name": "督办函（新）", "body": template.body})
    assert unchanged.status_code == 302
    template.refresh_from_db()
    assert template.version == 1 and template.name == "督办函（新）"  # the name is not printed


def test_issued_documents_are_read_only_in_the_admin(client, petition, people, org):
    document = services.issue(
        petition, DocumentKind.ACCEPTANCE_NOTICE, unit=org.bureau, actor=people.registrar
    )
    client.force_login(f.UserFactory(username="admin", is_staff=True, is_superuser=True, roles=[]))
    url = reverse("admin:documents_document_change", args=[document.pk])
    page = client.get(url)
    assert page.status_code == 200 and document.number in page.content.decode()
    client.post(url, {"number": "篡改"})
    document.refresh_from_db()
    assert document.number == "上城信访〔2026〕受字第1号"
    assert client.get(reverse("admin:documents_document_add")).status_code == 403


def test_refusals_write_nothing(petition, people, org):
    with pytest.raises(ValidationError, match="文书种类无效"):
        services.issue(petition, "thank_you_letter", unit=org.bureau, actor=people.registrar)
    with pytest.raises(ValidationError, match="无权为该信访事项出具文书"):
        services.issue(
            petition,
            DocumentKind.ACCEPTANCE_NOTICE,
            unit=org.other_bureau,
            actor=people.other_county_registrar,
        )
    DocumentTemplate.objects.filter(kind=DocumentKind.TRANSFER_NOTICE).delete()
    with pytest.raises(ValidationError, match="没有“转送告知书”的文书模板"):
        services.issue(petition, DocumentKind.TRANSFER_NOTICE, unit=org.bureau, actor=people.registrar)
    assert not Document.objects.exists()
    assert not Event.objects.filter(action="issue_document").exists()
    assert not default_storage.exists("documents")


def test_nothing_about_an_accusation_goes_to_or_comes_from_the_accused_unit(people, org, frozen_clock):
    frozen_clock(dt.datetime(2026, 10, 14, 10, 0))
    accusation = f.register(
        people.registrar,
        petition_class=PetitionClass.ACCUSATION,
        category=f.category("纪检监察"),
        subject_unit=org.qingbo_unit,
        identity_confidential=True,
    )
    with pytest.raises(ValidationError, match="不得由被检举单位出具或送交被检举单位"):
        services.issue(
            accusation,
            DocumentKind.SUPERVISION_LETTER,
            unit=org.bureau,
            actor=people.registrar,
            context={"to_unit": org.qingbo_unit.pk},
        )
    with pytest.raises(ValidationError, match="不得由被检举单位出具"):
        services.issue(accusation, DocumentKind.ACCEPTANCE_NOTICE, unit=org.qingbo_unit, actor=None)
    assert not Document.objects.exists()
    assert not default_storage.exists("documents")
    # To the discipline organ it may go, without the accuser's name.
    letter = services.issue(
        accusation,
        DocumentKind.SUPERVISION_LETTER,
        unit=org.bureau,
        actor=people.registrar,
        context={"to_unit": org.discipline.pk},
    )
    text = pdf_text(read(letter.pdf))
    assert "上城区纪委监委：" in text
    assert accusation.principal.name not in text


def test_no_reacceptance_notice_names_the_earlier_petition(petition, people, org):
    repeat = f.register(people.registrar, repeat_of=petition, parties=[f.person()])
    document = services.issue(
        repeat, DocumentKind.NO_REACCEPTANCE_NOTICE, unit=org.bureau, actor=people.registrar
    )
    text = pdf_text(read(document.pdf))
    assert f"（登记编号：{petition.registration_number}）系同一事实和理由" in text
    assert repeat.registration_number in text


def test_a_collective_petition_is_addressed_to_all(people, org, frozen_clock):
    frozen_clock(dt.datetime(2026, 10, 14, 10, 0))
    collective = f.register(
        people.registrar,
        channel="visit",
        person_count=6,
        parties=[f.representative(), f.representative()],
    )
    document = services.issue(
        collective, DocumentKind.ACCEPTANCE_NOTICE, unit=org.bureau, actor=people.registrar
    )
    first = collective.parties.first().petitioner.name
    assert document.context["addressee"] == f"{first}等6人"
    assert f"{first}等6人：你们于2026年10月14日以来访形式反映" in pdf_text(read(document.pdf))


# --- delivery ----------------------------------------------------------------------------------------------


@pytest.fixture
def notice(petition, people, org):
    return services.issue(petition, DocumentKind.HANDLING_OPINION, unit=org.bureau, actor=people.registrar)


def test_record_delivery_sets_method_dates_and_writes_an_audit_row(notice, people, frozen_clock):
    frozen_clock(dt.datetime(2026, 10, 16, 15, 0))
    delivered = services.record_delivery(
        notice, DeliveryMethod.POST, clock.now(), dt.date(2026, 10, 16), people.registrar
    )
    assert (delivered.delivery_method, delivered.received_on) == ("post", dt.date(2026, 10, 16))
    assert delivered.delivered_by == people.registrar and delivered.is_delivered
    event = Event.objects.get(action="deliver_document")
    assert event.petition_id == notice.petition_id and event.target_id == str(notice.pk)
    assert event.changes["received_on"] == [None, "2026-10-16"]
    with pytest.raises(ValidationError, match="已登记签收"):
        services.record_delivery(
            notice, DeliveryMethod.POST, clock.now(), dt.date(2026, 10, 16), people.registrar
        )


def test_a_posted_document_is_recorded_as_sent_then_as_received(notice, people, frozen_clock):
    sent = frozen_clock(dt.datetime(2026, 10, 15, 9, 0))
    services.record_delivery(notice, DeliveryMethod.POST, sent, None, people.registrar)
    frozen_clock(dt.datetime(2026, 10, 18, 9, 0))
    received = services.record_delivery(
        notice, DeliveryMethod.POST, sent, dt.date(2026, 10, 17), people.registrar
    )
    assert received.received_on == dt.date(2026, 10, 17)
    assert Event.objects.filter(action="deliver_document").count() == 2


@pytest.mark.parametrize(
    ("method", "delivered", "received", "message"),
    [
        ("pigeon", dt.datetime(2026, 10, 14, 11), dt.date(2026, 10, 14), "送达方式无效"),
        ("in_person", dt.datetime(2026, 10, 14, 9), dt.date(2026, 10, 14), "不能早于文书出具时间"),
        ("in_person", dt.datetime(2026, 10, 20, 9), dt.date(2026, 10, 20), "不能晚于当前时间"),
        ("post", dt.datetime(2026, 10, 14, 11), dt.date(2026, 10, 13), "签收日期不能早于送达时间"),
        ("post", dt.datetime(2026, 10, 14, 11), dt.date(2026, 10, 16), "签收日期不能晚于今天"),
    ],
)
def test_bad_deliveries_are_refused(notice, people, frozen_clock, method, delivered, received, message):
    frozen_clock(dt.datetime(2026, 10, 15, 9, 0))
    with pytest.raises(ValidationError, match=message):
        services.record_delivery(
            notice, method, delivered.replace(tzinfo=clock.SHANGHAI), received, people.registrar
        )
    notice.refresh_from_db()
    assert not notice.is_delivered
    assert not Event.objects.filter(action="deliver_document").exists()


def test_a_user_who_cannot_see_the_petition_cannot_record_its_delivery(notice, people):
    with pytest.raises(ValidationError, match="无权登记"):
        services.record_delivery(
            notice, DeliveryMethod.IN_PERSON, clock.now(), clock.today(), people.other_county_registrar
        )


# --- the workflow's hook -----------------------------------------------------------------------------------


def test_issue_for_transition_fills_the_notice_from_the_event(
    petition, people, org, django_capture_on_commit_callbacks
):
    event = audit.record(
        action="extend",
        target=petition,
        petition=petition,
        actor=people.bureau_handler,
        at=clock.now(),
        reason="需要征求市级部门意见",
        data={"days": 15, "previous_due_on": "2026-12-14", "new_due_on": "2026-12-29"},
    )
    with django_capture_on_commit_callbacks(execute=True):  # the files are written after commit
        document = services.issue_for_transition(
            petition, DocumentKind.EXTENSION_NOTICE, event, people.bureau_handler
        )
    document.refresh_from_db()
    assert document.event == event
    assert document.issuing_unit == org.bureau
    assert document.issued_by == people.bureau_handler
    assert document.issued_at == event.at
    context = document.context
    assert (context["extension_days"], context["new_due_date"], context["original_due_date"]) == (
        15,
        "2026年12月29日",
        "2026年12月14日",
    )
    text = pdf_text(read(document.pdf))
    assert "原办理期限至2026年12月14日" in text
    assert "因需要征求市级部门意见，" in text and "延长十五日，延长至2026年12月29日" in text


def test_issue_for_transition_takes_the_issuing_unit_and_legal_route_from_the_event(
    petition, people, org, django_capture_on_commit_callbacks
):
    event = audit.record(
        action="direct_to_legal_route",
        target=petition,
        petition=petition,
        actor=people.registrar,
        data={"issuing_unit": str(org.housing.pk), "legal_route": "administrative"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        document = services.issue_for_transition(petition, "non_acceptance_notice", event, people.registrar)
    document.refresh_from_db()
    assert document.issuing_unit == org.housing
    assert document.number == "上城区住房和城乡建设局〔2026〕不受字第1号"
    text = pdf_text(read(document.pdf))
    assert "请你依法向有权处理的行政机关申请行政复议" in text


def test_issue_for_transition_without_a_notice_does_nothing(petition, people):
    assert services.issue_for_transition(petition, "", None, people.registrar) is None
    assert not Document.objects.exists()
