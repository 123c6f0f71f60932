"""The second-factor pages: enter a code, enrol a TOTP device (QR code drawn here, offline), recovery codes."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinfang.audit import services as audit
from xinfang.http import client_ip

from . import reauth, second_factor

RECOVERY_CODES = 10


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def _record(request, action: str, reason: str) -> None:
    audit.record(
        action=action, target=request.user, actor=request.user, ip_address=client_ip(request), reason=reason
    )


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
def verify(request):
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip().replace(" ", "")
        device = match_token(request.user, token) if token else None
        with transaction.atomic():
            if device is None:
                error = "动态口令或恢复码不正确，请重试。"
                _record(request, "2fa_failed", "双因素认证失败")
            else:
                otp_login(request, device)
                reauth.mark(request.session)
                used = "恢复码" if isinstance(device, StaticDevice) else "动态口令"
                _record(request, "2fa_verified", f"双因素认证通过（{used}）")
        if device is not None:
            return redirect(_next(request))
    return render(request, "accounts/verify.html", {"error": error, "next": _next(request)})


@login_required
def enrol(request):
    user = request.user
    if second_factor.needs(user) == "verify":
        return redirect("2fa-verify")
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "动态口令"})
    error, codes = "", []
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                StaticDevice.objects.filter(user=user).delete()
                recovery = StaticDevice.objects.create(user=user, name="恢复码")
                codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
                StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
                otp_login(request, device)
                _record(request, "2fa_enrolled", "启用双因素认证并生成恢复码")
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)})
        error = "动态口令不正确，请核对手机时间后重试。"
    return render(
        request,
        "accounts/enrol.html",
        {
            "qr": qr_svg(device.config_url),
            "secret": device.key,
            "error": error,
            "next": _next(request),
            "compulsory": second_factor.compulsory(user),
        },
    )


@login_required
def reauthenticate(request):
    """Confirm it is still the same person: the password, plus a code of the enrolled device when there is one."""
    error = ""
    with_code = user_has_device(request.user)
    if request.method == "POST":
        password = request.POST.get("password", "")
        code = request.POST.get("token", "").strip().replace(" ", "")
        user = (
            authenticate(request, username=request.user.get_username(), password=password)
            if password
            else None
        )
        device = match_token(request.user, code) if with_code and code.isalnum() else None
        with transaction.atomic():
            if user is None or (with_code and device is None):
                error = "密码或动态口令不正确。" if with_code else "密码不正确。"
                _record(request, "reauth_failed", "重新验证身份失败")
            else:
                reauth.mark(request.session)
                _record(request, "reauth", "重新验证身份")
        if not error:
            return redirect(_next(request))
    return render(
        request, "accounts/reauth.html", {"error": error, "next": _next(request), "with_code": with_code}
    )
