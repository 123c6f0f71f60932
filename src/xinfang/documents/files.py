"""A document's file as a download: the one response the workbench and the portal both give."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

from .models import Document

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def file_response(document: Document, fmt: str) -> FileResponse:
    """The stored ``fmt`` file of a document the caller has already allowed; 404 when it was never rendered."""
    stored = getattr(document, fmt)
    if not stored or not default_storage.exists(stored.name):
        raise Http404("文书文件不存在。")
    return FileResponse(
        default_storage.open(stored.name, "rb"),
        as_attachment=True,
        filename=f"{document.title}-{document.number}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )
