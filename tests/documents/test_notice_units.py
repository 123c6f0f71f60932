"""Notices name units by their Chinese names: the workflow's event data keeps unit codes (e.g. 411331-RSJ)."""

from __future__ import annotations

import pytest

from tests.scenes import Scene
from xinfang.documents.models import DocumentKind

from .conftest import pdf_text, read


@pytest.fixture
def scene(org, people, frozen_clock):
    return Scene(org, people, frozen_clock)


@pytest.mark.parametrize("action", ["transfer", "assign"])
def test_transfer_and_assign_notices_name_the_receiving_unit_not_its_code(
    scene, people, org, action, django_capture_on_commit_callbacks
):
    petition = scene.petition()
    data = {"report_days": 20} if action == "assign" else {}
    with django_capture_on_commit_callbacks(execute=True):  # the files are written after commit
        scene.do(petition, action, people.registrar, "2026-03-03", to_unit=org.housing, **data)
    notice = petition.documents.get(kind=DocumentKind.TRANSFER_NOTICE)
    assert notice.context["to_unit"] == "上城区住房和城乡建设局"
    text = pdf_text(read(notice.pdf))
    assert "上城区住房和城乡建设局" in text and org.housing.code not in text
