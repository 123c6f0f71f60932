import logging
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

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
