"""The one authentication backend: Django's model backend behind the login throttle.

Every password check goes through ``authenticate``, whichever form asked (the workbench login, the admin
login, the API's token exchange), so one backend covers them all.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from xinfang.http import client_ip
from xinfang.orgs import duties

from . import throttle


class DutyPermissionsMixin:
    """Permissions from the roles' duties (orgs.duties), never from Django's user or group permissions."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return duties.permissions(user_obj.roles)

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))


def who(request, username: str | None) -> throttle.Who:
    return throttle.Who(username=username or "", address=client_ip(request) if request is not None else None)


class ThrottledModelBackend(DutyPermissionsMixin, ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = who(request, username)
        if not throttle.reserve(attempt):
            # PermissionDenied stops Django trying any other backend: a locked account stays locked.
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.failed(attempt)
        else:
            throttle.succeeded(attempt)
            user.xf_password_checked = True
        return user
