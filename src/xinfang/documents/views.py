"""Downloading a document's files, listing a petition's documents, recording a delivery. Access follows the
petition: one 404 for a document that does not exist and one on a petition the user may not see."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from xinfang.http import client_ip
from xinfang.petitions.selectors import get_visible_or_404

from .delivery import may_record_delivery, record_delivery
from .files import file_response
from .forms import DeliveryForm
from .models import Document


def _visible_document(user, pk: int) -> Document:
    document = Document.objects.filter(pk=pk).select_related("petition", "issuing_unit").first()
    if document is None:
        raise Http404("文书不存在。")
    get_visible_or_404(user, document.petition_id)
    return document


@login_required
def download(request, pk: int, fmt: str):
    return file_response(_visible_document(request.user, pk), fmt)


@login_required
@require_GET
def delivery_proof(request, pk: int):
    document = _visible_document(request.user, pk)
    if not document.delivery_proof or not default_storage.exists(document.delivery_proof.name):
        raise Http404("送达凭证不存在。")
    return FileResponse(
        default_storage.open(document.delivery_proof.name, "rb"),
        as_attachment=True,
        filename=document.delivery_proof_name or f"{document.title}-送达凭证",
    )


@login_required
@require_http_methods(["GET", "POST"])
def delivery(request, pk: int):
    """Record how and when a notice reached the petitioner (the documents table posts here)."""
    document = _visible_document(request.user, pk)
    if not may_record_delivery(document, request.user):
        if document.received_on is not None:
            raise PermissionDenied("该文书已登记签收，不能重复登记。")
        raise PermissionDenied("只有出具该文书的单位的工作人员可以登记其送达情况。")
    data = request.POST if request.method == "POST" else None
    form = DeliveryForm(data, request.FILES if data is not None else None, document=document)
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            record_delivery(
                document,
                values["method"],
                values["delivered_at"],
                values["received_on"],
                request.user,
                proof=values["proof"],
                ip_address=client_ip(request),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"已登记{document.title}（{document.number}）的送达情况。")
            return redirect("petitions:detail", pk=document.petition_id)
    context = {"document": document, "form": form, "petition": document.petition}
    return render(request, "documents/delivery.html", context, status=400 if form.errors else 200)


@login_required
def petition_documents(request, petition_pk: int):
    """The `documents/_list.html` partial on its own, for htmx to load into a petition page."""
    petition = get_visible_or_404(request.user, petition_pk)
    documents = petition.documents.select_related("issuing_unit").order_by("issued_at", "id")
    return render(request, "documents/_list.html", {"petition": petition, "documents": documents})
