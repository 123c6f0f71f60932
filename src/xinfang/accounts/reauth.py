"""Re-authentication for the most sensitive actions: a password (or TOTP code) entered within the last
``XF_REAUTH_MINUTES``. The login and the second-factor check count as one."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from xinfang import clock

SESSION_KEY = "xf_reauth_at"


def mark(session) -> None:
    session[SESSION_KEY] = clock.now().timestamp()


def recent(request) -> bool:
    at = request.session.get(SESSION_KEY)
    return at is not None and clock.now().timestamp() - at <= settings.XF_REAUTH_MINUTES * 60


def ask(request):
    """The redirect to the re-authentication page, coming back here."""
    return redirect(f"{reverse('reauth')}?{urlencode({'next': request.get_full_path()})}")


def required(view):
    """For a view whose every request is sensitive."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not recent(request):
            return ask(request)
        return view(request, *args, **kwargs)

    return wrapper
