"""POST /api/v1/petitions/{id}/attachments/: checked by content, refused cleanly, only for those handling it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from xinfang.audit.models import Event
from xinfang.petitions.models import Attachment

from .conftest import PETITIONS_URL

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(client, petition, name: str, content: bytes):
    url = f"{PETITIONS_URL}{petition.pk}/attachments/"
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def written() -> tuple[int, int]:
    return Attachment.objects.count(), Event.objects.filter(action="add_attachment").count()


def test_registrar_uploads_an_attachment(people, org, now, client_for):
    petition = f.register(people.registrar)

    response = upload(client_for(people.registrar), petition, "现场照片.png", PNG)

    assert response.status_code == 201, response.content
    data = response.json()
    row = petition.attachments.get()
    assert data["id"] == row.pk
    assert data["original_name"] == "现场照片.png"
    assert data["content_type"] == "image/png"
    assert data["size"] == len(PNG)
    event = Event.objects.get(petition=petition, action="add_attachment")
    assert event.actor == people.registrar
    assert event.ip_address == "127.0.0.1"


def test_a_handler_of_a_unit_it_was_sent_to_may_upload(people, org, now, client_for, route_to):
    petition = f.register(people.registrar)
    route_to(petition, org.qingbo_unit)

    assert upload(client_for(people.township_handler), petition, "回访记录.png", PNG).status_code == 201


def assert_file_refused(response, contains: str):
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    messages = response.json()["errors"]["file"]
    assert any(contains in m for m in messages), messages


def test_oversized_attachment_is_refused(people, org, now, client_for, settings):
    settings.XF_ATTACHMENT_MAX_BYTES = 100
    petition = f.register(people.registrar)
    before = written()

    response = upload(client_for(people.registrar), petition, "大照片.png", PNG)

    assert_file_refused(response, "超过大小上限")
    assert written() == before


def test_program_disguised_as_pdf_is_refused(people, org, now, client_for):
    petition = f.register(people.registrar)
    before = written()

    response = upload(client_for(people.registrar), petition, "材料.pdf", EXE)

    assert_file_refused(response, "类型不受支持")
    assert written() == before


def test_image_named_as_pdf_is_refused(people, org, now, client_for):
    petition = f.register(people.registrar)
    before = written()

    response = upload(client_for(people.registrar), petition, "材料.pdf", PNG)

    assert_file_refused(response, "扩展名不符")
    assert written() == before


def test_missing_file_field_is_refused(people, org, now, client_for):
    petition = f.register(people.registrar)

    response = client_for(people.registrar).post(
        f"{PETITIONS_URL}{petition.pk}/attachments/", {}, format="multipart"
    )

    assert response.status_code == 400
    assert "file" in response.json()["errors"]


@pytest.mark.parametrize("persona", ["bureau_leader", "auditor", "township_leader"])
def test_roles_that_do_not_handle_cannot_upload(persona, people, org, now, client_for, route_to):
    petition = f.register(people.registrar)
    route_to(petition, org.qingbo_unit)
    before = written()

    response = upload(client_for(getattr(people, persona)), petition, "照片.png", PNG)

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert written() == before


@pytest.mark.parametrize(
    "persona", ["other_county_registrar", "other_township_handler", "department_handler"]
)
def test_units_that_cannot_see_it_get_404(persona, people, org, now, client_for):
    petition = f.register(people.registrar)
    before = written()

    response = upload(client_for(getattr(people, persona)), petition, "照片.png", PNG)

    assert response.status_code == 404
    assert written() == before
