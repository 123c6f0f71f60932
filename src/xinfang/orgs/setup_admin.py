"""The admin's 初始化本县 page: the same `orgs.setup.setup_bureau` as `xinfang setup-bureau`, for the
system administrator who works in the browser."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from .models import Role
from .setup import SetupError, setup_bureau


class SetupBureauForm(forms.Form):
    region = forms.CharField(label="县级区划代码", max_length=6, min_length=6, help_text="6位数字，如 410481")
    admin_username = forms.CharField(
        label="首个管理员用户名", max_length=150, required=False, help_text="可留空；已存在的账号不会被修改"
    )
    admin_password = forms.CharField(
        label="首个管理员密码",
        required=False,
        widget=forms.PasswordInput,
        strip=False,
        help_text="新建管理员账号时必填",
    )


def may_set_up(user) -> bool:
    return bool(user.is_active and user.is_staff and (user.is_superuser or user.has_role(Role.ADMIN)))


def setup_bureau_view(model_admin, request):
    if not may_set_up(request.user):
        raise PermissionDenied("只有系统管理员可以初始化本县。")
    report = None
    form = SetupBureauForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = setup_bureau(
                form.cleaned_data["region"],
                admin_username=form.cleaned_data["admin_username"],
                admin_password=form.cleaned_data["admin_password"] or None,
                actor=request.user,
            )
        except SetupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{report.region.full_name}：{report.bureau.name}。{report.summary}")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "初始化本县",
        "opts": model_admin.model._meta,
        "form": form,
        "report": report,
    }
    return TemplateResponse(request, "admin/orgs/region/setup_bureau.html", context)
