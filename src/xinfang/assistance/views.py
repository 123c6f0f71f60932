"""Assistance pages: list, apply, detail with approve / pay / 救助息访. Views parse and call the service; a
refusal is shown as its Chinese message and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.documents.files import file_response
from xinfang.http import client_ip
from xinfang.petitions.selectors import visible_to

from . import services
from .forms import ApplyForm, ApproveForm, EndingForm, PayForm
from .models import GrantStatus
from .selectors import grants_visible_to


def refusal(exc: Exception) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else (str(exc) or "无权执行该操作。")


@login_required
@require_GET
def grant_list(request):
    qs = grants_visible_to(request.user).select_related("petition", "unit")
    status = request.GET.get("status", "")
    if status in GrantStatus.values:
        qs = qs.filter(status=status)
    context = {"grants": qs[:200], "status": status, "statuses": GrantStatus.choices,
               "may_apply": services.can_apply(request.user)}  # fmt: skip
    return render(request, "assistance/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def grant_apply(request):
    form = ApplyForm(request.POST or None, initial={"petition": request.GET.get("petition", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("petition").strip()
        petition = visible_to(request.user).filter(registration_number=number).first()
        try:
            if petition is None:
                raise ValidationError({"petition": f"信访事项“{number}”不存在或无权查看。"})
            grant = services.apply(request.user, petition, ip_address=client_ip(request), **data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, "救助申请已提交，待审批。")
            return redirect("assistance:detail", grant.pk)
    return render(request, "assistance/apply.html", {"form": form})


def _get(user, pk):
    grant = (
        grants_visible_to(user)
        .select_related("petition", "unit", "approved_by", "paid_by", "agreement")
        .filter(pk=pk)
        .first()
    )
    if grant is None:
        raise Http404("救助记录不存在。")
    return grant


@login_required
@require_GET
def grant_detail(request, pk):
    grant = _get(request.user, pk)
    context = {
        "g": grant,
        "may_approve": services.can_approve(request.user, grant),
        "may_pay": services.can_pay(request.user, grant),
        "may_record_ending": grant.status == GrantStatus.PAID and request.user.unit_id == grant.unit_id,
        "may_issue_agreement": services.can_issue_agreement(request.user, grant),
        "approve_form": ApproveForm(),
        "pay_form": PayForm(),
        "ending_form": EndingForm(),
    }
    return render(request, "assistance/detail.html", context)


@login_required
@require_POST
def grant_action(request, pk, step):
    grant = _get(request.user, pk)
    form_class = {"approve": ApproveForm, "pay": PayForm, "ending": EndingForm}.get(step)
    if form_class is None:
        raise Http404("操作不存在。")
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(
            request, "；".join(f"{form.fields[k].label}：{'，'.join(v)}" for k, v in form.errors.items())
        )
        return redirect("assistance:detail", pk)
    data, ip = form.cleaned_data, client_ip(request)
    try:
        if step == "approve":
            services.approve(grant, request.user, rule=data["rule"], ip_address=ip)
        elif step == "pay":
            services.pay(
                grant, request.user, paid_on=data["paid_on"], reference=data["reference"], ip_address=ip
            )
        else:
            services.record_ending(
                grant, request.user, ended_petitioning=data["ended"] == "yes", ip_address=ip
            )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, {"approve": "已审批。", "pay": "已登记发放。", "ending": "已记录。"}[step])
    return redirect("assistance:detail", pk)


@login_required
@require_POST
def agreement_issue(request, pk):
    grant = _get(request.user, pk)
    try:
        services.issue_agreement(grant, request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, "已出具救助协议书。")
    return redirect("assistance:detail", pk)


@login_required
@require_GET
def agreement_download(request, pk, fmt):
    """The grant's agreement, to whoever may see the grant (``grants_visible_to``)."""
    grant = _get(request.user, pk)
    if grant.agreement is None or fmt not in ("docx", "pdf"):
        raise Http404("救助协议书不存在。")
    return file_response(grant.agreement, fmt)
