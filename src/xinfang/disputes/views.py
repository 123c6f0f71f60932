"""The ledger's pages: list, record, detail with escalate / mediate / close, the monthly report. Views parse,
call the service, and show its Chinese message when it refuses (nothing is written then)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang import clock
from xinfang.http import client_ip
from xinfang.petitions.selectors import visible_to
from xinfang.replica import reads_from_replica

from . import report, services
from .forms import CloseForm, DisputeForm, EscalateForm, MediateForm
from .models import DisputeStatus
from .selectors import disputes_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def refusal(exc: Exception) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else (str(exc) or "无权执行该操作。")


@login_required
@require_GET
def dispute_list(request):
    qs = disputes_visible_to(request.user).select_related("region", "handling_unit")
    status = request.GET.get("status", "")
    if status in DisputeStatus.values:
        qs = qs.filter(status=status)
    today = clock.today()
    context = {
        "disputes": qs[:200],
        "status": status,
        "statuses": DisputeStatus.choices,
        "may_report": bool(request.user.unit and request.user.unit.sees_jurisdiction),
        "year": today.year,
        "month": today.month,
    }
    return render(request, "disputes/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dispute_new(request):
    if request.user.unit is None:
        raise PermissionDenied("没有所属单位。")
    form = DisputeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.record_dispute(
                request.user, ip_address=client_ip(request), **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, "矛盾纠纷已登记。")
            return redirect("disputes:detail", dispute.pk)
    return render(request, "disputes/new.html", {"form": form})


def _get(user, pk):
    dispute = (
        disputes_visible_to(user).select_related("region", "handling_unit", "petition").filter(pk=pk).first()
    )
    if dispute is None:
        raise Http404("矛盾纠纷不存在。")
    return dispute


@login_required
@require_GET
def dispute_detail(request, pk):
    dispute = _get(request.user, pk)
    context = {
        "d": dispute,
        "escalations": dispute.escalations.select_related("to_unit", "by"),
        "mediations": dispute.mediations.all(),
        "may_work": dispute.status == DisputeStatus.OPEN and services.can_work_on(request.user, dispute),
        "escalate_form": EscalateForm(dispute=dispute),
        "mediate_form": MediateForm(),
        "close_form": CloseForm(),
    }
    return render(request, "disputes/detail.html", context)


@login_required
@require_POST
def dispute_action(request, pk, step):
    dispute = _get(request.user, pk)
    forms = {
        "escalate": lambda: EscalateForm(request.POST, dispute=dispute),
        "mediate": lambda: MediateForm(request.POST),
        "close": lambda: CloseForm(request.POST),
    }
    if step not in forms:
        raise Http404("操作不存在。")
    form = forms[step]()
    if not form.is_valid():
        messages.error(
            request, "；".join(f"{form.fields[k].label}：{'，'.join(v)}" for k, v in form.errors.items())
        )
        return redirect("disputes:detail", pk)
    data = dict(form.cleaned_data)
    try:
        if step == "escalate":
            services.escalate(dispute, request.user, ip_address=client_ip(request), **data)
        elif step == "mediate":
            services.mediate(dispute, request.user, ip_address=client_ip(request), **data)
        else:
            number = data.pop("petition", "").strip()
            petition = visible_to(request.user).filter(registration_number=number).first() if number else None
            if number and petition is None:
                raise ValidationError({"petition": f"信访事项“{number}”不存在或无权查看。"})
            services.close(dispute, request.user, petition=petition, ip_address=client_ip(request), **data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(
            request, {"escalate": "已提级。", "mediate": "调解已记录。", "close": "已办结。"}[step]
        )
    return redirect("disputes:detail", pk)


@login_required
@require_GET
@reads_from_replica()  # an export: the replica's copy is as good
def monthly_report(request):
    unit = request.user.unit
    if unit is None or not unit.sees_jurisdiction:
        raise PermissionDenied("只有信访部门和党政领导可以导出台账报表。")
    try:
        year, month = int(request.GET.get("year", "")), int(request.GET.get("month", ""))
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, "请选择年份和月份。")
        return redirect("disputes:list")
    response = HttpResponse(report.monthly_workbook(unit.region, year, month), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="disputes-{unit.region.code}-{year}-{month:02d}.xlsx"'
    )
    return response
