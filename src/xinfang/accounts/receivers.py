"""Successful logins and logouts in the audit trail (failures and locks are written by ``throttle``)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django_otp import user_has_device

from xinfang.audit import services as audit
from xinfang.http import client_ip

from . import reauth, sessions


def _record(action: str, request, user, reason: str) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    with transaction.atomic():
        audit.record(
            action=action,
            target=user,
            actor=user,
            ip_address=client_ip(request) if request is not None else None,
            reason=reason,
            data={"username": user.get_username()},
        )


def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.start(request.session)
    # Every login of a person passes the password check (accounts.backends); a login without one is the test
    # client's force_login, which is no one's action and is not recorded.
    if getattr(user, "xf_password_checked", False):
        # With a device, the password alone is not a re-authentication: the second-factor check marks it.
        if request is not None and hasattr(request, "session") and not user_has_device(user):
            reauth.mark(request.session)
        _record("login", request, user, "登录成功")


def on_logout(sender, request, user, **kwargs) -> None:
    _record("logout", request, user, getattr(request, "xf_logout_reason", "退出登录"))


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="xinfang.accounts.login")
    user_logged_out.connect(on_logout, dispatch_uid="xinfang.accounts.logout")
