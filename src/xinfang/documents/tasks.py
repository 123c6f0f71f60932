"""The worker's part of issuing a notice (huey): its files, written after the transition commits."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import files
from .models import Document, DocumentStatus


# Retried: a busy SQLite or a restarting PostgreSQL should not leave a notice without files (the download
# would still render it, but the worker is where that belongs).
@db_task(retries=3, retry_delay=30)
def render_document(document_id: int) -> bool:
    """Render the document's files if it is still 生成中; False when there was nothing to do."""
    document = (
        Document.objects.select_related("issuing_unit")
        .filter(pk=document_id, status=DocumentStatus.RENDERING)
        .first()
    )
    if document is None:
        return False
    files.render_files(document)
    return True
