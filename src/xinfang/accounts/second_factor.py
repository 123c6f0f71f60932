"""The second factor (TOTP, with one-time recovery codes): who must have one, and the gate that asks for it.

The password login is unchanged; after it, the gate sends a user who has a device to the code page, and a user
whose roles make the second factor compulsory but who has none to enrolment. Nothing else opens until then:
workbench, admin and the session-authenticated API alike (the API answers 403 problem+json instead of a
redirect). API tokens are outside this gate.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

from xinfang.orgs.models import DUTY_ROLES, IDENTITY_ROLES, Role

# Administrators, bureau leaders and every role that sees unmasked identities (orgs.IDENTITY_ROLES).
COMPULSORY_ROLES = {*DUTY_ROLES, Role.BUREAU_LEADER, *IDENTITY_ROLES}
# Paths the gate never blocks: the login itself, the second-factor pages, the public portal, static files.
OPEN_PREFIXES = ("/login/", "/logout/", "/account/2fa/", "/portal/", "/static/", "/healthz", "/admin/logout/")


def compulsory(user) -> bool:
    return bool(user.is_superuser or user.has_role(*COMPULSORY_ROLES))


def needs(user) -> str:
    """ "verify", "enrol" or "" for an authenticated user of this request."""
    if user.is_verified():
        return ""
    if user_has_device(user):
        return "verify"
    if compulsory(user):
        return "enrol"
    return ""


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.XF_2FA_ENFORCED
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and (step := needs(user))
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "type": "about:blank",
                        "title": "需要双因素认证",
                        "status": 403,
                        "detail": "请先在工作台完成双因素认证（动态口令）后再使用接口。",
                    },
                    status=403,
                    content_type="application/problem+json",
                )
            target = reverse("2fa-verify" if step == "verify" else "2fa-enrol")
            return redirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)
