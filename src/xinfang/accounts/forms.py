"""The login forms of the workbench and the admin, with Chinese messages and the lockout notice."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from . import throttle
from .backends import who

INVALID_LOGIN = "用户名或密码错误，请重试。"


def locked_message(minutes: int) -> str:
    return f"登录失败次数过多，该账号或本机地址已被锁定，请{minutes}分钟后再试，或联系安全管理员解锁。"


class LockoutMessageMixin:
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": INVALID_LOGIN,
        "inactive": "该账号已停用。",
    }

    def get_invalid_login_error(self):
        minutes = throttle.minutes_locked(who(self.request, self.cleaned_data.get("username")))
        if minutes:
            return forms.ValidationError(locked_message(minutes), code="locked")
        return super().get_invalid_login_error()


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    pass


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    error_messages = {
        **LockoutMessageMixin.error_messages,
        "invalid_login": "用户名或密码错误，或该账号不是管理账号。",
    }
