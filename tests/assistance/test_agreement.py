"""The assistance agreement (信访救助协议书): issued for an approved grant as docx and PDF, downloadable from the
grant page by whoever may see the grant, opened again to read what it says; the amount in capitals."""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from pypdf import PdfReader

from xinfang.assistance import services
from xinfang.assistance.agreement import amount_in_words
from xinfang.audit.models import Event
from xinfang.documents.models import Document


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("10000", "壹万元整"),
        ("100100", "壹拾万零壹佰元整"),
        ("1005.07", "壹仟零伍元零柒分"),
        ("18000000", "壹仟捌佰万元整"),
        ("100000001", "壹亿零壹元整"),
        ("3000.50", "叁仟元伍角整"),
        ("0.05", "伍分"),
    ],
)
def test_the_amount_in_capitals(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@pytest.fixture
def grant(scene, people):
    petition = scene.transferred()
    grant = services.apply(
        people.township_handler, petition, fund="petition_fund", amount="5000", applicant_name="群众甲",
        beneficiary_count=2, reason="因病致贫，生活困难",
    )  # fmt: skip
    return grant


def test_an_agreement_through_the_grant_page(grant, people):
    handler = logged_in(people.township_handler)
    url = f"/assistance/{grant.pk}/"
    refused = handler.post(f"{url}agreement/", follow=True).content.decode()
    assert "救助经审批后才能出具救助协议书" in refused and not Document.objects.exists()
    services.approve(grant, people.township_leader, rule="《信访救助资金管理办法》第五条")
    assert "出具救助协议书" in handler.get(url).content.decode()
    handler.post(f"{url}agreement/")
    grant.refresh_from_db()
    document = grant.agreement
    assert document.kind == "assistance_agreement" and document.issuing_unit == grant.unit
    assert Event.objects.filter(action="issue_document", target_id=str(document.pk)).count() == 1
    page = handler.get(url).content.decode()
    assert document.number in page and f"/assistance/{grant.pk}/agreement.pdf" in page

    word = handler.get(f"/assistance/{grant.pk}/agreement.docx")
    assert word.status_code == 200 and word["Content-Disposition"].startswith("attachment")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body(word))).paragraphs)
    assert "信访救助协议书" in text and "乙方（受助人）：群众甲（受助2人）" in text
    assert "一次性救助金人民币5,000.00元（大写：伍仟元整）" in text
    assert "信访救助资金" in text and "第五条" in text and grant.petition.registration_number in text
    pdf = handler.get(f"/assistance/{grant.pk}/agreement.pdf")
    pages = PdfReader(io.BytesIO(body(pdf))).pages
    assert "伍仟元整" in "".join(page.extract_text() for page in pages)

    again = handler.post(f"{url}agreement/", follow=True).content.decode()
    assert "该救助已出具救助协议书" in again
    assert Document.objects.filter(kind="assistance_agreement").count() == 1
    api = Client()
    api.force_login(people.bureau_leader)
    assert api.get(f"/api/v1/assistance/{grant.pk}/").json()["agreement"] == document.number


def test_the_agreement_is_scoped_like_the_grant(grant, people):
    services.approve(grant, people.township_leader, rule="第五条")
    services.issue_agreement(grant, people.township_handler)
    for user in (people.bureau_leader, people.township_leader):  # the region's bureau, the granting unit
        assert logged_in(user).get(f"/assistance/{grant.pk}/agreement.docx").status_code == 200
    for user in (people.other_township_handler, people.other_county_registrar):
        assert logged_in(user).get(f"/assistance/{grant.pk}/agreement.docx").status_code == 404
    assert logged_in(people.township_handler).get(f"/assistance/{grant.pk}/agreement.exe").status_code == 404


def test_only_the_granting_unit_issues_it_once(grant, people):
    services.approve(grant, people.township_leader, rule="第五条")
    with pytest.raises(PermissionDenied):
        services.issue_agreement(grant, people.bureau_leader)
    services.issue_agreement(grant, people.township_handler)
    with pytest.raises(ValidationError):
        services.issue_agreement(grant, people.township_handler)
    assert Document.objects.filter(kind="assistance_agreement").count() == 1
