"""The bureau's appointment pages (约访): the requests from the portal, and the answer the petitioner reads
there (confirm, move to another reception day, decline with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from xinfang import clock
from xinfang.http import client_ip
from xinfang.petitions.identity import mask_phone

from .. import access
from ..forms import AppointmentMoveForm, AppointmentReasonForm
from ..models import AppointmentStatus
from ..selectors import appointments_visible_to
from ..services import appointments
from .common import first_or_404, run


def _bureau_or_403(user):
    bureau = access.bureau_of(user)
    if bureau is None:
        raise PermissionDenied("只有信访部门的工作人员可以答复约访。")
    return bureau


@login_required
@require_GET
def appointment_list(request):
    qs = appointments_visible_to(request.user).select_related("session__leader", "petition")
    context = {
        "pending": list(qs.filter(status=AppointmentStatus.REQUESTED).order_by("requested_at", "id")[:100]),
        "answered": list(qs.exclude(status=AppointmentStatus.REQUESTED).order_by("-decided_at", "-id")[:50]),
        "tab": "appointments",
    }
    return render(request, "leaders/appointment_list.html", context)


def _page(request, appointment, *, status=200, **forms):
    bureau = access.bureau_of(request.user)
    sessions = appointments.published_sessions(appointment.bureau, today=clock.today()).exclude(
        pk=appointment.session_id
    )
    context = {
        "appointment": appointment,
        "masked_phone": mask_phone(appointment.phone),
        "may_decide": bureau is not None and bureau.region.contains(appointment.bureau.region),
        "move_form": forms.get("move") or AppointmentMoveForm(sessions=sessions, prefix="move"),
        "decline_form": forms.get("decline") or AppointmentReasonForm(prefix="decline"),
    }
    return render(request, "leaders/appointment_detail.html", context, status=status)


def _appointment(user, pk):
    qs = appointments_visible_to(user).select_related(
        "session__leader", "requested_session", "petition", "bureau"
    )
    return first_or_404(qs, pk, "约访不存在。")


@login_required
@require_GET
def appointment_detail(request, pk: int):
    return _page(request, _appointment(request.user, pk))


@login_required
@require_POST
def appointment_confirm(request, pk: int):
    appointment = _appointment(request.user, pk)
    _bureau_or_403(request.user)
    try:
        appointments.confirm(appointment, request.user, ip_address=client_ip(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "约访已确认，信访人可在门户查看。")
        return redirect("leaders:appointment", pk=pk)
    return _page(request, appointment, status=400)


@login_required
@require_POST
def appointment_move(request, pk: int):
    appointment = _appointment(request.user, pk)
    _bureau_or_403(request.user)
    sessions = appointments.published_sessions(appointment.bureau, today=clock.today())
    form = AppointmentMoveForm(request.POST, sessions=sessions, prefix="move")
    if form.is_valid() and run(
        form,
        lambda: appointments.move(
            appointment,
            request.user,
            session=form.cleaned_data["session"],
            reason=form.cleaned_data["reason"],
            ip_address=client_ip(request),
        ),
    ):
        messages.success(request, "约访已改期，信访人可在门户查看。")
        return redirect("leaders:appointment", pk=pk)
    return _page(request, appointment, status=400, move=form)


@login_required
@require_POST
def appointment_decline(request, pk: int):
    appointment = _appointment(request.user, pk)
    _bureau_or_403(request.user)
    form = AppointmentReasonForm(request.POST, prefix="decline")
    if form.is_valid() and run(
        form,
        lambda: appointments.decline(
            appointment, request.user, reason=form.cleaned_data["reason"], ip_address=client_ip(request)
        ),
    ):
        messages.success(request, "已答复不予安排，信访人可在门户查看原因。")
        return redirect("leaders:appointment", pk=pk)
    return _page(request, appointment, status=400, decline=form)
