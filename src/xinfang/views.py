import logging
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from xinfang.orgs.models import Role

logger = logging.getLogger(__name__)


@login_required
def home(request):
    return redirect("petitions:list")


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
