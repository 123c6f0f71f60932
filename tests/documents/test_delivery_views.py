"""Recording a notice's delivery from the documents table on the petition page: staff of the issuing unit
record method, times and proof (one audit event); others are refused and nothing is written; the reply's and
the review opinions' deliveries, recorded by their actions, mark their documents delivered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.scenes import Scene
from xinfang.audit.models import Event
from xinfang.documents.models import Document, DocumentKind

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def scene(org, people, frozen_clock):
    return Scene(org, people, frozen_clock)


@pytest.fixture
def transferred(scene):
    """Transferred by the county bureau on 2026-03-03 10:00: its transfer notice is the bureau's."""
    return scene.drive("transferred")


def transfer_notice(petition) -> Document:
    return petition.documents.get(kind=DocumentKind.TRANSFER_NOTICE)


def detail(client, user, petition) -> str:
    client.force_login(user)
    return client.get(reverse("petitions:detail", args=[petition.pk])).content.decode()


def post_delivery(client, user, document, **values):
    prefix = f"delivery-{document.pk}"
    body = {f"{prefix}-{key}": value for key, value in values.items()}
    client.force_login(user)
    return client.post(reverse("documents:delivery", args=[document.pk]), body)


def deliveries() -> int:
    return Event.objects.filter(action="deliver_document").count()


def test_the_issuing_unit_records_a_transfer_notices_delivery_with_its_proof(
    client, transferred, people, frozen_clock
):
    frozen_clock(dt.datetime(2026, 3, 5, 16, 0))
    notice = transfer_notice(transferred)
    page = detail(client, people.registrar, transferred)
    assert 'data-delivery="pending"' in page and "登记转送告知书的送达" in page
    assert f'action="{reverse("documents:delivery", args=[notice.pk])}"' in page
    proof = SimpleUploadedFile("送达回证.png", PNG, content_type="image/png")
    response = post_delivery(
        client,
        people.registrar,
        notice,
        method="in_person",
        delivered_at="2026-03-04T09:30",
        received_on="2026-03-04",
        proof=proof,
    )
    assert response.status_code == 302 and response.url == reverse("petitions:detail", args=[transferred.pk])
    notice.refresh_from_db()
    assert (notice.delivery_method, notice.received_on) == ("in_person", dt.date(2026, 3, 4))
    assert f"{notice.delivered_at.astimezone(dt.timezone(dt.timedelta(hours=8))):%H:%M}" == "09:30"
    assert notice.delivered_by == people.registrar and notice.delivery_proof_name == "送达回证.png"
    (event,) = Event.objects.filter(action="deliver_document")
    assert event.petition_id == transferred.pk and event.data["proof_sha256"]
    page = detail(client, people.registrar, transferred)
    assert '<span class="badge text-bg-success xf-nowrap" data-delivery="delivered">已送达</span>' in page
    assert "直接送达，2026年3月4日签收" in page
    proof_url = reverse("documents:delivery_proof", args=[notice.pk])
    assert proof_url in page
    download = client.get(proof_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert "登记转送告知书的" not in page  # received: recorded once
    history = page[page.index('id="history"') :]
    row = history[history.index('<td class="xf-nowrap">文书送达</td>') :]
    row = row[: row.index("</tr>")]
    for line in (
        "送达方式：直接送达",
        "送达时间：2026-03-04 09:30",
        "签收日期：2026年3月4日",
        "送达登记人：王登记",
    ):
        assert line in row, (line, row)
    assert "送达凭证文件名：送达回证.png" in row and "sha256" not in row


def test_a_posted_notice_is_recorded_as_sent_then_as_received(client, transferred, people, frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 9, 16, 0))
    notice = transfer_notice(transferred)
    sent = post_delivery(client, people.registrar, notice, method="post", delivered_at="2026-03-04T09:00")
    assert sent.status_code == 302
    page = detail(client, people.registrar, transferred)
    assert "邮寄送达，待签收" in page and "登记转送告知书的签收" in page
    received = post_delivery(
        client,
        people.registrar,
        notice,
        method="post",
        delivered_at="2026-03-04T09:00",
        received_on="2026-03-06",
    )
    assert received.status_code == 302
    notice.refresh_from_db()
    assert notice.received_on == dt.date(2026, 3, 6) and deliveries() == 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"delivered_at": "2026-03-04T09:00"}, "请选择送达方式。"),
        ({"method": "pigeon", "delivered_at": "2026-03-04T09:00"}, "送达方式无效。"),
        ({"method": "post"}, "请填写送达时间。"),
        ({"method": "post", "delivered_at": "昨天"}, "送达时间格式应为"),
        ({"method": "post", "delivered_at": "2026-03-02T09:00"}, "送达时间不能早于文书出具时间。"),
        (
            {"method": "post", "delivered_at": "2026-03-04T09:00", "received_on": "2026-03-03"},
            "签收日期不能早于",
        ),
        (
            {"method": "post", "delivered_at": "2026-03-04T09:00", "received_on": "2026-03-30"},
            "签收日期不能晚于今天",
        ),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    client, transferred, people, frozen_clock, values, message
):
    frozen_clock(dt.datetime(2026, 3, 5, 16, 0))
    notice = transfer_notice(transferred)
    response = post_delivery(client, people.registrar, notice, **values)
    assert response.status_code == 400
    assert message in response.content.decode()
    notice.refresh_from_db()
    assert notice.delivered_at is None and deliveries() == 0


def test_a_proof_that_is_not_an_image_or_pdf_is_refused(client, transferred, people, frozen_clock):
    frozen_clock(dt.datetime(2026, 3, 5, 16, 0))
    notice = transfer_notice(transferred)
    fake = SimpleUploadedFile("回证.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = post_delivery(
        client, people.registrar, notice, method="post", delivered_at="2026-03-04T09:00", proof=fake
    )
    assert response.status_code == 400 and "文件类型不受支持" in response.content.decode()
    assert deliveries() == 0


@pytest.mark.parametrize("persona", ["township_handler", "auditor"])
def test_staff_who_see_the_petition_but_did_not_issue_the_notice_are_refused(
    client, transferred, people, frozen_clock, persona
):
    frozen_clock(dt.datetime(2026, 3, 5, 16, 0))
    notice = transfer_notice(transferred)
    user = getattr(people, persona)
    assert "data-delivery-for" not in detail(client, user, transferred)
    response = post_delivery(client, user, notice, method="post", delivered_at="2026-03-04T09:00")
    assert response.status_code == 403
    assert "只有出具该文书的单位的工作人员可以登记其送达情况" in response.content.decode()
    assert deliveries() == 0


def test_a_user_who_cannot_see_the_petition_gets_404(client, transferred, people):
    notice = transfer_notice(transferred)
    response = post_delivery(
        client, people.other_county_registrar, notice, method="post", delivered_at="2026-03-04T09:00"
    )
    assert response.status_code == 404
    assert client.get(reverse("documents:delivery_proof", args=[notice.pk])).status_code == 404
    assert deliveries() == 0


def test_the_form_page_works_without_javascript(client, transferred, people):
    client.force_login(people.registrar)
    notice = transfer_notice(transferred)
    response = client.get(reverse("documents:delivery", args=[notice.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "登记送达：转送告知书" in html and "请选择送达方式" in html and 'type="datetime-local"' in html


def test_delivering_the_reply_marks_its_document_delivered(client, scene, people):
    petition = scene.drive("concluded")  # delivered by post, received 2026-04-03
    opinion = petition.documents.get(kind=DocumentKind.HANDLING_OPINION)
    assert (opinion.delivery_method, opinion.received_on) == ("post", dt.date(2026, 4, 3))
    assert opinion.delivered_by == people.township_handler
    assert deliveries() == 0  # the deliver action's own event records it
    page = detail(client, people.township_handler, petition)
    row = page[page.index('data-document="handling_opinion"') :]
    row = row[: row.index("</tr>")]
    assert "已送达" in row and "未送达" not in row and "邮寄送达，2026年4月3日签收" in row


def test_review_opinions_are_delivered_with_their_received_dates(client, scene, people):
    petition = scene.drive("terminated")
    review = petition.documents.get(kind=DocumentKind.REVIEW_OPINION)
    re_review = petition.documents.get(kind=DocumentKind.RE_REVIEW_OPINION)
    assert review.received_on == dt.date(2026, 4, 22) and re_review.received_on == dt.date(2026, 5, 22)
    page = detail(client, people.registrar, petition)
    documents = page[page.index('id="workflow-documents"') :]
    assert "已送达" in documents
    for kind in ("handling_opinion", "review_opinion", "re_review_opinion"):
        row = documents[documents.index(f'data-document="{kind}"') :]
        assert "未送达" not in row[: row.index("</tr>")], kind
