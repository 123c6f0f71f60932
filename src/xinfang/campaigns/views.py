"""Campaign pages: list and create, the campaign with its figures, sentence, batches, ranking and cases, the
list import, screening and resolution. Views parse and call the service; a refusal is its Chinese message."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang import clock
from xinfang.http import client_ip

from . import figures, importer, services
from .forms import BatchForm, CampaignForm, ImportForm, ResolveForm, ScreenForm
from .selectors import campaigns_visible_to, cases_visible_to


def refusal(exc: Exception) -> str:
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else (str(exc) or "无权执行该操作。")


def form_errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}{'：' if k in form.fields else ''}{'，'.join(v)}"
        for k, v in form.errors.items()
    )


@login_required
@require_GET
def campaign_list(request):
    context = {
        "campaigns": campaigns_visible_to(request.user).select_related("unit"),
        "may_create": services.can_manage(request.user),
    }
    return render(request, "campaigns/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["criteria"] = data["criteria"].splitlines()
        try:
            campaign = services.create_campaign(request.user, ip_address=client_ip(request), **data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, refusal(exc))
        else:
            messages.success(request, "专项活动已创建。")
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/new.html", {"form": form})


def _campaign(user, pk):
    campaign = campaigns_visible_to(user).select_related("unit__region").filter(pk=pk).first()
    if campaign is None:
        raise Http404("专项活动不存在。")
    return campaign


@login_required
@require_GET
def campaign_detail(request, pk):
    campaign = _campaign(request.user, pk)
    today = clock.today()
    cases = cases_visible_to(request.user).filter(campaign=campaign)
    total = figures.figures(cases, today)
    context = {
        "c": campaign,
        "today": today,
        "total": total,
        "sentence": figures.campaign_sentence(campaign, total),
        "batches": figures.by_batch(campaign, cases, today),
        "ranking": figures.unit_ranking(cases, today),
        "cases": cases.select_related("petition", "batch", "responsible_unit", "owning_leader").order_by(
            "batch", "id"
        ),
        "may_manage": services.can_manage(request.user, campaign) and campaign.status == "open",
        "batch_form": BatchForm(),
        "import_form": ImportForm(),
        "screen_form": ScreenForm(),
        "resolve_form": ResolveForm(campaign=campaign),
        "criteria": campaign.criteria.all(),
    }
    return render(request, "campaigns/detail.html", context)


@login_required
@require_POST
def campaign_action(request, pk, step):
    campaign = _campaign(request.user, pk)
    ip = client_ip(request)
    try:
        if step == "batch":
            form = BatchForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            services.add_batch(campaign, request.user, ip_address=ip, **form.cleaned_data)
            messages.success(request, "批次已添加。")
        elif step == "import":
            form = ImportForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            try:
                text = form.text()
            except django_forms.ValidationError as exc:
                raise ValidationError(exc.messages) from None
            result = importer.import_list(campaign, request.user, text, ip_address=ip)
            (messages.warning if result.repeated_list else messages.success)(request, result.message)
        elif step == "close":
            services.close_campaign(campaign, request.user, ip_address=ip)
            messages.success(request, "专项活动已结束。")
        else:
            raise Http404("操作不存在。")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    return redirect("campaigns:detail", pk)


@login_required
@require_POST
def case_action(request, pk, step):
    case = cases_visible_to(request.user).select_related("campaign").filter(pk=pk).first()
    if case is None:
        raise Http404("案件不存在。")
    ip = client_ip(request)
    try:
        if step == "screen":
            form = ScreenForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            services.screen(case, request.user, included=form.cleaned_data["included"] == "in",
                            reason=form.cleaned_data["reason"], ip_address=ip)  # fmt: skip
            messages.success(request, "甄别结果已记录。")
        elif step == "resolve":
            form = ResolveForm(request.POST, campaign=case.campaign)
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            data = form.cleaned_data
            services.resolve(case, request.user, resolved_on=data["resolved_on"],
                             criteria_met=[int(c) for c in data["criteria_met"]], note=data["note"], ip_address=ip)  # fmt: skip
            messages.success(request, "已报送化解。")
        else:
            raise Http404("操作不存在。")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    return redirect("campaigns:detail", case.campaign_id)
