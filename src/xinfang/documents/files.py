"""A document's files: written from its filled text (at issue, or after commit for a transition's notice) and
given as the one download the workbench and the portal both offer."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse

from xinfang import clock
from xinfang.audit import services as audit

from .models import Document, DocumentStatus, document_path
from .rendering import to_docx, to_pdf

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
RENDERING_MESSAGE = "文书文件正在生成，请稍候再试。"


def write_files(document: Document, markup: str) -> list[str]:
    """Render ``markup`` to PDF and docx, store both under the document's path and set its file fields and
    hashes (unsaved). Returns the stored paths, for the caller to delete if its transaction fails."""
    pdf = to_pdf(markup)
    docx = to_docx(markup, issued_at=document.issued_at, author=document.issuing_unit.name)
    stored = []
    try:
        for field, content in (("docx", docx), ("pdf", pdf)):
            stored.append(default_storage.save(document_path(document, field), ContentFile(content)))
            setattr(document, field, stored[-1])
            setattr(document, f"{field}_sha256", hashlib.sha256(content).hexdigest())
    except BaseException:
        for path in stored:
            default_storage.delete(path)
        raise
    return stored


def render_files(document: Document) -> Document:
    """Write the files of a document recorded as 生成中 (a transition's notice), once: the worker's task and a
    download that came first may both try; the one whose UPDATE finds the row still 生成中 keeps its files and
    records the hashes (one ``render_document`` event), the other deletes its own. Returns the document as
    stored. Never inside the transition's transaction: that is the point."""
    if document.status != DocumentStatus.RENDERING:
        return document
    stored = write_files(document, document.markup)
    won = False
    try:
        with transaction.atomic():
            won = bool(
                Document.objects.filter(pk=document.pk, status=DocumentStatus.RENDERING).update(
                    status=DocumentStatus.READY,
                    markup="",
                    docx=document.docx.name,
                    pdf=document.pdf.name,
                    docx_sha256=document.docx_sha256,
                    pdf_sha256=document.pdf_sha256,
                )
            )
            if won:
                # Not on the petition's history (which shows 出具文书 already): the file hashes, by the system.
                audit.record(
                    action="render_document",
                    target=document,
                    at=clock.now(),
                    data={
                        "number": document.number,
                        "docx_sha256": document.docx_sha256,
                        "pdf_sha256": document.pdf_sha256,
                    },
                )
    finally:
        if not won:
            for path in stored:
                default_storage.delete(path)
    document.refresh_from_db()
    return document


def file_response(document: Document, fmt: str) -> HttpResponse:
    """The stored ``fmt`` file of a document the caller has already allowed; a notice the worker has not
    rendered yet is rendered now (503 with a Chinese message if that fails); 404 when the file is gone."""
    if document.status == DocumentStatus.RENDERING:
        try:
            document = render_files(document)
        except Exception:
            log.exception("rendering document %s on download failed", document.pk)
            response = HttpResponse(RENDERING_MESSAGE, status=503, content_type="text/plain; charset=utf-8")
            response["Retry-After"] = "10"
            return response
    stored = getattr(document, fmt)
    if not stored or not default_storage.exists(stored.name):
        raise Http404("文书文件不存在。")
    return FileResponse(
        default_storage.open(stored.name, "rb"),
        as_attachment=True,
        filename=f"{document.title}-{document.number}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )
