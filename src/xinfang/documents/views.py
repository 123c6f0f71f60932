"""Downloading a document's files and listing a petition's documents. Access follows the petition."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from xinfang.petitions.selectors import get_visible_or_404

from .files import file_response
from .models import Document


@login_required
def download(request, pk: int, fmt: str):
    document = Document.objects.filter(pk=pk).select_related("petition").first()
    # The same 404 for a document that does not exist and one on a petition the user may not see.
    if document is None:
        raise Http404("文书不存在。")
    get_visible_or_404(request.user, document.petition_id)
    return file_response(document, fmt)


@login_required
def petition_documents(request, petition_pk: int):
    """The `documents/_list.html` partial on its own, for htmx to load into a petition page."""
    petition = get_visible_or_404(request.user, petition_pk)
    documents = petition.documents.select_related("issuing_unit").order_by("issued_at", "id")
    return render(request, "documents/_list.html", {"petition": petition, "documents": documents})
