"""Downloading documents and listing them: the petition's visibility decides, with one 404 for all refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse

from xinfang import clock
from xinfang.documents import services
from xinfang.documents.models import DocumentKind
from xinfang.petitions.models import DeliveryMethod

from .conftest import read


@pytest.fixture
def document(petition, people, org):
    return services.issue(petition, DocumentKind.ACCEPTANCE_NOTICE, unit=org.bureau, actor=people.registrar)


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("name", "content_type", "magic"),
    [
        ("documents:download_pdf", "application/pdf", b"%PDF"),
        (
            "documents:download_docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
        ),
    ],
)
@pytest.mark.parametrize("persona", ["registrar", "bureau_leader", "city_registrar"])
def test_staff_who_see_the_petition_download_its_documents(
    client, document, people, persona, name, content_type, magic
):
    client.force_login(getattr(people, persona))
    response = client.get(reverse(name, args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]  # the Chinese title, encoded
    body = _body(response)
    assert body.startswith(magic)
    field = document.pdf if name.endswith("pdf") else document.docx
    assert body == read(field)


@pytest.mark.parametrize("persona", ["other_county_registrar", "township_handler", "department_handler"])
@pytest.mark.parametrize("name", ["documents:download_pdf", "documents:download_docx"])
def test_users_of_other_units_get_the_same_404_as_for_a_missing_document(
    client, document, people, persona, name
):
    client.force_login(getattr(people, persona))
    refused = client.get(reverse(name, args=[document.pk]))
    missing = client.get(reverse(name, args=[document.pk + 1000]))
    assert refused.status_code == missing.status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, document):
    response = client.get(reverse("documents:download_pdf", args=[document.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_file_missing_from_storage_is_a_404_not_a_crash(client, document, people):
    default_storage.delete(document.pdf.name)
    client.force_login(people.registrar)
    assert client.get(reverse("documents:download_pdf", args=[document.pk])).status_code == 404


def test_the_list_partial_shows_numbers_delivery_and_download_links(
    client, document, people, petition, org, django_assert_max_num_queries
):
    services.record_delivery(document, DeliveryMethod.IN_PERSON, clock.now(), clock.today(), people.registrar)
    services.issue(petition, DocumentKind.TRANSFER_NOTICE, unit=org.bureau, actor=people.registrar)
    client.force_login(people.registrar)
    url = reverse("documents:petition_documents", args=[petition.pk])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "上城信访〔2026〕受字第1号" in html and "上城信访〔2026〕转字第1号" in html
    assert "直接送达，2026年10月14日签收" in html
    assert "未送达" in html
    assert reverse("documents:download_pdf", args=[document.pk]) in html
    assert reverse("documents:download_docx", args=[document.pk]) in html


def test_the_list_partial_is_404_for_a_petition_the_user_cannot_see(client, document, people, petition):
    client.force_login(people.other_county_registrar)
    assert client.get(reverse("documents:petition_documents", args=[petition.pk])).status_code == 404


def test_the_partial_can_be_included_by_the_petition_page(document, petition):
    html = render_to_string("documents/_list.html", {"petition": petition})
    assert document.number in html and "受理告知书" in html
    empty = render_to_string("documents/_list.html", {"petition": petition, "documents": []})
    assert document.number in empty  # an empty list falls back to the petition's own documents


def test_a_petition_without_documents_says_so(client, people, petition):
    client.force_login(people.registrar)
    response = client.get(reverse("documents:petition_documents", args=[petition.pk]))
    assert "尚未出具文书" in response.content.decode()


def test_dates_in_the_list_are_local(client, people, petition, org):
    # Issued at 00:30 Shanghai time, which is still the previous day in UTC.
    services.issue(
        petition,
        DocumentKind.ACCEPTANCE_NOTICE,
        unit=org.bureau,
        actor=people.registrar,
        at=dt.datetime(2026, 10, 15, 0, 30, tzinfo=clock.SHANGHAI),
    )
    client.force_login(people.registrar)
    html = client.get(reverse("documents:petition_documents", args=[petition.pk])).content.decode()
    assert "2026年10月15日" in html
