"""The one authentication backend: Django's model backend behind the login throttle.

Every password check goes through ``authenticate``, whichever form asked (the workbench login, the admin
login, the API's token exchange), so one backend covers them all.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from xinfang.http import client_ip

from . import throttle


def who(request, username: str | None) -> throttle.Who:
    return throttle.Who(username=username or "", address=client_ip(request) if request is not None else None)


class ThrottledModelBackend(ModelBackend):
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
        return user
