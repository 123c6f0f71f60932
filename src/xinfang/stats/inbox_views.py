"""The leader's bulletin inbox (领导通报), readable on a phone: the bulletins sent to the user, each opened as
HTML with its Word and PDF files, and the issuing bureau's view of who has read them. A bulletin not sent to
the user is a 404, whoever they are: the inbox shows no sign of other people's bulletins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import bulletins as bulletin_service
from . import delivery
from .models import Bulletin
from .views import _bureau_of_user


@login_required
@require_GET
def inbox(request):
    return render(request, "stats/inbox.html", {"deliveries": delivery.inbox(request.user)[:100]})


@login_required
@require_GET
def inbox_bulletin(request, pk: int):
    received = delivery.open_for(request.user, pk)
    bulletin = received.bulletin
    markup = bulletin_service.delivered_html(bulletin)
    return render(
        request,
        "stats/inbox_bulletin.html",
        {"bulletin": bulletin, "delivery": received, "markup": markup},
    )


@login_required
@require_GET
def inbox_file(request, pk: int, fmt: str):
    if not delivery.inbox(request.user).filter(bulletin_id=pk).exists():
        raise Http404("没有呈送给您的这期通报。")
    bulletin = get_object_or_404(Bulletin, pk=pk)
    field = {"docx": bulletin.docx, "pdf": bulletin.pdf}.get(fmt)
    if field is None:
        raise Http404()
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=f"{bulletin.title}第{bulletin.serial}期.{fmt}"
    )


@login_required
@require_GET
def receipts(request, pk: int):
    unit = _bureau_of_user(request.user)
    bulletin = get_object_or_404(Bulletin, pk=pk, issuing_unit=unit)
    return render(
        request,
        "stats/bulletin_receipts.html",
        {"bulletin": bulletin, "deliveries": delivery.receipts(bulletin)},
    )
