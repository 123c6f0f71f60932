"""The site's URLs plus views that fail, for the error page tests (handlers as in xinfang.urls)."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.db import OperationalError
from django.urls import path

from xinfang.urls import urlpatterns as site_patterns


def boom(request):
    raise RuntimeError("secret detail that must never reach the reader")


def refuse(request):
    raise PermissionDenied("该信访事项不在您的办理范围内。")


def bad(request):
    raise BadRequest("malformed")


def busy(request):
    raise OperationalError("database is locked")


urlpatterns = [
    *(path(f"{prefix}busy/", busy) for prefix in ("", "portal/", "api/v1/")),
    *(path(f"{prefix}boom/", boom) for prefix in ("", "portal/", "api/v1/")),
    *(path(f"{prefix}refuse/", refuse) for prefix in ("", "portal/")),
    *(path(f"{prefix}bad/", bad) for prefix in ("", "portal/", "api/v1/")),
    *site_patterns,
]

handler400 = "xinfang.views.bad_request"
handler403 = "xinfang.views.permission_denied"
handler404 = "xinfang.views.page_not_found"
handler500 = "xinfang.views.server_error"
