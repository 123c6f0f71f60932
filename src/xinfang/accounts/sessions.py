"""Idle timeout and absolute lifetime of a staff session.

Django's session age alone gives neither: the age counts from the last save, and a session that is used keeps
being saved. The two instants live in the session; the last-seen one is written at most once a minute, so a
busy page does not write the session table on every request. SESSION_COOKIE_AGE equals the idle timeout, so
the cookie and the stored session run out with it too.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

from xinfang import clock

STARTED = "xf_auth_started"
LAST_SEEN = "xf_last_seen"
# Seconds between writes of the last-seen instant.
TOUCH_EVERY = 60


def start(session) -> None:
    now = clock.now().timestamp()
    session[STARTED] = now
    session[LAST_SEEN] = now


def expiry_reason(session, now: float) -> str:
    """Why the session has run out, or "" while it is good."""
    started, last_seen = session.get(STARTED), session.get(LAST_SEEN)
    if started is None or last_seen is None:
        return ""
    if now - started > settings.XF_SESSION_ABSOLUTE_MINUTES * 60:
        return f"会话已超过{settings.XF_SESSION_ABSOLUTE_MINUTES // 60}小时的最长时限，请重新登录。"
    if now - last_seen > settings.XF_SESSION_IDLE_MINUTES * 60:
        return f"已超过{settings.XF_SESSION_IDLE_MINUTES}分钟未操作，请重新登录。"
    return ""


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = clock.now().timestamp()
            if STARTED not in request.session:
                start(request.session)
            elif reason := expiry_reason(request.session, now):
                request.xf_logout_reason = "会话超时：" + reason
                logout(request)
                messages.warning(request, reason)
            elif now - request.session[LAST_SEEN] >= TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
