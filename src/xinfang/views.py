import logging
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.db import OperationalError, connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import cache_control, never_cache

from xinfang.api.problems import TITLES
from xinfang.orgs.models import DUTY_ROLES, Role

logger = logging.getLogger(__name__)

FAVICON = settings.BASE_DIR / "static" / "xinfang" / "favicon.ico"


# The administrators of 三员分立 work in the admin, not on petitions: they keep the petition list.
WORKING_ROLES = tuple(role for role in Role if role not in DUTY_ROLES)


def home(request):
    """Where a login lands: a working role on its to-do list (我的待办), anyone else signed in on the petition
    list; everyone not signed in gets a plain start page pointing petitioners to the portal and staff to the
    login."""
    if request.user.is_authenticated:
        if request.user.unit_id is not None and request.user.has_role(*WORKING_ROLES):
            return redirect("workflow:todo")
        return redirect("petitions:list")
    return render(request, "start.html")


@cache_control(public=True, max_age=86400)
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page links; answer it rather than log a 404 for each.
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


# --- Error pages (settings.DEBUG off): the API answers problem details, the portal and the workbench each in
# their own look. None of them shows the URL list or a traceback.
ERROR_DETAILS = {
    400: "请求的格式不正确，无法处理。",
    403: "无权执行该操作。",
    404: "资源不存在或无权查看。",
    500: "服务器内部错误，请稍后再试。",
    503: "系统繁忙，刚才的操作没有保存，请稍后重试。",
}
# Seconds a client should wait before retrying after a busy database.
BUSY_RETRY_AFTER = 5


def _area(request) -> str:
    path = request.path_info
    if path.startswith("/api/"):
        return "api"
    return "portal" if path.startswith("/portal/") else "workbench"


def _problem(status: int, detail: str = "") -> JsonResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "服务器错误"), "status": status}
    body["detail"] = detail or ERROR_DETAILS[status]
    return JsonResponse(
        body,
        status=status,
        content_type="application/problem+json",
        json_dumps_params={"ensure_ascii": False},
    )


def _error_page(request, status: int, context: dict | None = None) -> HttpResponse:
    area = _area(request)
    if area == "api":
        return _problem(status, (context or {}).get("message", ""))
    template = f"portal/errors/{status}.html" if area == "portal" else f"{status}.html"
    return render(request, template, context or {}, status=status)


def bad_request(request, exception=None):
    # BadRequest("…") raised by a view says in Chinese what was wrong with the input; a SuspiciousOperation's
    # text is for the log, not the reader.
    message = str(exception) if type(exception) is BadRequest else ""
    return _error_page(request, 400, {"message": message})


def permission_denied(request, exception=None):
    # PermissionDenied("…") raised by a view carries a Chinese reason meant for the reader.
    message = str(exception) if exception and str(exception) else ""
    return _error_page(request, 403, {"message": message})


def page_not_found(request, exception=None):
    return _error_page(request, 404)


def server_error(request):
    # No context processors, no database, no template inheritance: this page must render when those fail.
    if _area(request) == "api":
        return _problem(500)
    template = "portal/errors/500.html" if _area(request) == "portal" else "500.html"
    return HttpResponse(loader.get_template(template).render(), status=500)


class DatabaseBusyMiddleware:
    """SQLite's write lock still held after the busy timeout (settings: 30 s): answer 503 with Retry-After.

    Writes wait for the lock (IMMEDIATE transactions, busy_timeout), so this only happens under a load the
    embedded database cannot carry. The transaction never began, so nothing was written and a retry is safe;
    the request itself is not retried here, because what it did before that transaction (a session save, a
    rate-limit count) would happen twice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not (isinstance(exception, OperationalError) and "database is locked" in str(exception)):
            return None
        logger.warning("database busy: %s %s answered 503", request.method, request.path)
        response = _error_page(request, 503)
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response


def csrf_failure(request, reason=""):
    # reason is Django's English explanation: logged by Django, not shown to the reader.
    if _area(request) == "api":
        return _problem(403, "请求缺少有效的 CSRF 令牌，请刷新页面后重试。")
    template = "portal/errors/csrf.html" if _area(request) == "portal" else "403_csrf.html"
    return render(request, template, status=403)


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _check_redis() -> dict:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {}


def _check_queue() -> dict:
    # A growing backlog means no worker is consuming: deadline scans and notifications have stopped.
    from huey.contrib.djhuey import HUEY

    return {"pending": HUEY.pending_count()}


def _checks():
    yield "database", _check_database
    if settings.REDIS_URL:
        yield "redis", _check_redis
    yield "queue", _check_queue


@never_cache
def healthz(request):
    """For monitors and the load balancer: 200 when every dependency answers, else 503. The reply names the
    failing check and the exception's class, never its message (it can carry host names or credentials)."""
    results, healthy = {}, True
    for name, check in _checks():
        started = time.perf_counter()
        try:
            result = {"status": "ok", **check()}
        except Exception as exc:
            logger.exception("health check %s failed", name)
            result, healthy = {"status": "error", "error": type(exc).__name__}, False
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503
    )


# The operating manual is Markdown in docs/manual/ (no Markdown renderer is installed): the help page lists its
# chapters and shows a chapter's text as written. An installation without the repository's docs/ still names
# the file, so staff know what to ask for.
MANUAL_DIR = settings.REPO_DIR / "docs" / "manual"
MANUAL_CHAPTERS = [
    ("registrar", "登记员操作指南", Role.REGISTRAR),
    ("handler", "承办人操作指南", Role.HANDLER),
    ("unit-leader", "单位负责人操作指南", Role.UNIT_LEADER),
    ("supervisor", "督查员操作指南", Role.SUPERVISOR),
    ("reviewer", "复查复核人员操作指南", Role.REVIEWER),
    ("bureau-leader", "信访局领导操作指南", Role.BUREAU_LEADER),
    ("party-leader", "党政领导操作指南", Role.PARTY_LEADER),
    ("admin", "系统管理员操作指南", Role.ADMIN),
    ("security-admin", "安全管理员操作指南", Role.SECURITY_ADMIN),
    ("petitioner", "群众网上信访指南", None),
]


@login_required
def manual(request, chapter: str | None = None):
    chapters = [
        {
            "slug": slug,
            "title": title,
            "role": role.label if role else "群众",
            "path": f"docs/manual/{slug}.md",
            "own": role is not None and request.user.has_role(role),
        }
        for slug, title, role in MANUAL_CHAPTERS
    ]
    current = None
    if chapter is not None:
        current = next((c for c in chapters if c["slug"] == chapter), None)
        if current is None:
            raise Http404("没有这一章。")
        source = MANUAL_DIR / f"{chapter}.md"
        current["text"] = source.read_text(encoding="utf-8") if source.is_file() else None
    return render(request, "manual.html", {"chapters": chapters, "current": current})
