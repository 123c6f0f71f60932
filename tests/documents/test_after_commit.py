"""A transition's notice: number, text and audit row in the transition, its files rendered after commit (the
worker's task; huey runs it at once in tests), or by the first download that comes before the worker."""

from __future__ import annotations

import hashlib
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from xinfang.audit.models import Event
from xinfang.documents import files, rendering, tasks
from xinfang.documents.models import Document, DocumentKind, DocumentStatus, DocumentTemplate
from xinfang.workflow.errors import TransitionRefused
from xinfang.workflow.services import perform

from .conftest import pdf_text, read


def _transfer(petition, people, org):
    perform(petition, "transfer", people.registrar, to_unit=org.housing)
    return petition.documents.get(kind=DocumentKind.TRANSFER_NOTICE)


def test_the_transition_records_the_notice_and_renders_nothing_before_commit(
    petition, people, org, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(rendering, "to_pdf", wraps=rendering.to_pdf) as to_pdf,
        mock.patch.object(files, "to_pdf", wraps=files.to_pdf) as files_to_pdf,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        notice = _transfer(petition, people, org)
    assert to_pdf.call_count == files_to_pdf.call_count == 0  # not inside perform's transaction
    assert notice.status == DocumentStatus.RENDERING
    assert not notice.pdf and not notice.docx and notice.number == "上城信访〔2026〕转字第1号"
    assert "上城区住房和城乡建设局" in notice.markup
    issued = Event.objects.get(action="issue_document")
    assert issued.petition_id == petition.pk and issued.data["number"] == notice.number
    assert issued.data["markup_sha256"] == hashlib.sha256(notice.markup.encode()).hexdigest()
    assert "pdf_sha256" not in issued.data
    assert not Event.objects.filter(action="render_document").exists()

    for callback in callbacks:  # the commit: the render task is queued and (immediate huey) runs
        callback()
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.READY and notice.markup == ""
    assert hashlib.sha256(read(notice.pdf)).hexdigest() == notice.pdf_sha256
    assert hashlib.sha256(read(notice.docx)).hexdigest() == notice.docx_sha256
    assert "已将该事项转送上城区住房和城乡建设局办理" in pdf_text(read(notice.pdf))
    rendered = Event.objects.get(action="render_document")
    assert (rendered.target_type, rendered.target_id, rendered.petition_id) == (
        "document",
        str(notice.pk),
        None,
    )
    assert rendered.data["pdf_sha256"] == notice.pdf_sha256
    assert rendered.actor is None


def test_a_refused_transition_leaves_no_document_and_queues_nothing(
    petition, people, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(TransitionRefused):
        perform(petition, "transfer", people.other_county_registrar, to_unit=org.housing)
    assert callbacks == [] and not Document.objects.exists()


def test_a_download_before_the_worker_renders_the_notice_then(client, petition, people, org):
    notice = _transfer(petition, people, org)  # no commit callbacks run: the worker has not got to it
    assert notice.status == DocumentStatus.RENDERING
    client.force_login(people.registrar)
    response = client.get(reverse("documents:download_pdf", args=[notice.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.READY and body == read(notice.pdf)
    # The worker comes later and finds nothing to do; the files stay those downloaded.
    assert tasks.render_document.call_local(notice.pk) is False
    notice.refresh_from_db()
    assert read(notice.pdf) == body
    assert Event.objects.filter(action="render_document").count() == 1


def test_a_download_whose_rendering_fails_says_so_in_chinese_without_a_500(client, petition, people, org):
    notice = _transfer(petition, people, org)
    client.force_login(people.registrar)
    with mock.patch.object(files, "to_pdf", side_effect=OSError("no fonts")):
        response = client.get(reverse("documents:download_pdf", args=[notice.pk]))
    assert response.status_code == 503 and response["Retry-After"]
    assert response.content.decode() == "文书文件正在生成，请稍候再试。"
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.RENDERING
    assert not default_storage.exists("documents")  # nothing half-written


def test_the_files_say_what_the_notice_said_when_issued_even_after_a_template_edit(petition, people, org):
    notice = _transfer(petition, people, org)
    template = DocumentTemplate.objects.get(kind=DocumentKind.TRANSFER_NOTICE)
    template.body = template.body.replace("特此告知。", "特此告知。</p><p>新增的一句话。")
    template.save()
    tasks.render_document.call_local(notice.pk)
    notice.refresh_from_db()
    text = pdf_text(read(notice.pdf))
    assert "新增的一句话" not in text and "上城区住房和城乡建设局" in text


def test_a_queue_that_refuses_the_task_leaves_the_action_done_and_the_notice_to_its_download(
    client, petition, people, org, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(tasks, "render_document", side_effect=OSError("queue full")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notice = _transfer(petition, people, org)
    petition.refresh_from_db()
    assert petition.status == "transferred"
    notice.refresh_from_db()
    assert notice.status == DocumentStatus.RENDERING
    client.force_login(people.registrar)
    assert client.get(reverse("documents:download_docx", args=[notice.pk])).status_code == 200


def test_two_renderers_of_one_notice_keep_one_set_of_files(petition, people, org):
    notice = _transfer(petition, people, org)
    stale = Document.objects.select_related("issuing_unit").get(pk=notice.pk)
    first = files.render_files(notice)
    second = files.render_files(stale)  # it rendered too, then found the row already written
    assert second.pdf.name == first.pdf.name and second.pdf_sha256 == first.pdf_sha256
    assert Event.objects.filter(action="render_document").count() == 1
    kept = {first.pdf.name.rsplit("/", 1)[1], first.docx.name.rsplit("/", 1)[1]}
    folder = first.pdf.name.rsplit("/", 1)[0]
    assert set(default_storage.listdir(folder)[1]) == kept
